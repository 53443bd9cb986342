import { useEffect, useRef, useState } from 'preact/hooks';
import type { ServerEventType } from '@hearth/protocol';
import type { EventData, LiveStatus } from '@hearth/live-client';
import { useSession } from '../session.js';

/** Call `handler` for each live event of `type` while the component is shown. */
export function useLiveEvent<K extends ServerEventType>(type: K, handler: (data: EventData<K>) => void): void {
  const { live } = useSession();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => live.subscribe(type, (d) => ref.current(d)), [live, type]);
}

/** Call `reload` when the live stream comes back after a break: what happened meanwhile was not streamed. */
export function useResync(reload: () => void): void {
  const { live } = useSession();
  const ref = useRef(reload);
  ref.current = reload;
  useEffect(() => live.onResync(() => ref.current()), [live]);
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
