import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { useSession } from './session.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** The route is not on this appliance (yet): the capability is not installed. */
  missing: boolean;
  reload(): void;
  set(update: (old: T) => T): void;
}

/** GET `path` (null: nothing to load) and keep the answer; reloads when the path changes. */
export function useResource<T>(path: string | null): Resource<T> {
  const { api } = useSession();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setLoading(true);
    api.get<T>(path).then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  return {
    data,
    error,
    loading,
    missing: error?.status === 404 && error.message.startsWith('No such page'),
    reload: () => setTick((n) => n + 1),
    set: (update) => setData((d) => (d === undefined ? d : update(d))),
  };
}
