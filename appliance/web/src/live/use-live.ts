import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../session.js';
import type { LiveStatus } from './live-events.js';

/** Call `handler` for each live event of `type` while the component is shown. */
export function useLiveEvent<T>(type: string, handler: (data: T) => void): void {
  const { live } = useSession();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => live.on(type, (d) => ref.current(d as T)), [live, type]);
}

export function useLiveStatus(): LiveStatus {
  const { live } = useSession();
  const [status, setStatus] = useState(live.status);
  useEffect(() => {
    setStatus(live.status);
    return live.onStatus(setStatus);
  }, [live]);
  return status;
}
