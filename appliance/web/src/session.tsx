import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api.js';
import { LiveClient } from '@hearth/live-client';
import type { SessionInfo, User } from './types.js';

interface Session {
  api: Api;
  live: LiveClient;
  /** null until GET /api/session answered. */
  info: SessionInfo | null;
  user: User | null;
  /** Apply a login / onboarding / invite answer. */
  signedIn(info: SessionInfo): void;
  signedOut(): void;
  loadError: string | null;
  reload(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [info, setInfo] = useState<SessionInfo | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const api = useMemo(() => new Api(() => setInfo((i) => (i ? { ...i, user: null, csrfToken: null } : i))), []);
  const live = useMemo(() => new LiveClient(), []);

  const load = () => {
    setLoadError(null);
    api.get<SessionInfo>('/api/session').then(apply, (e: Error) => setLoadError(e.message));
  };
  const apply = (i: SessionInfo) => {
    api.setCsrf(i.csrfToken);
    setInfo(i);
  };
  useEffect(load, []);

  // Live updates only make sense (and are only allowed) for someone signed in.
  const userId = info?.user?.id;
  useEffect(() => {
    if (userId === undefined) return;
    live.start();
    return () => live.stop();
  }, [userId]);

  const value: Session = {
    api,
    live,
    info,
    user: info?.user ?? null,
    signedIn: apply,
    signedOut: () => apply({ user: null, csrfToken: null, needsOnboarding: false }),
    loadError,
    reload: load,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user; pages behind the sign-in gate may rely on it. */
export function useUser(): User {
  const u = useSession().user;
  if (!u) throw new Error('useUser without a signed-in user');
  return u;
}
