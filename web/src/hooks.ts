/** Data loading and time hooks shared by the pages. */
import { useCallback, useEffect, useRef, useState } from 'react';

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; data: T; refreshing: boolean; at: number };

/**
 * Loads with `load`, again whenever `deps` change, and every `pollMs` while the tab is visible (numbers refresh
 * without a reload). A refresh keeps the last data on screen; a failed refresh keeps it too.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  pollMs?: number,
): Loadable<T> & { reload(): void } {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);

  const run = useCallback((background: boolean) => {
    const mine = ++seq.current;
    setState((s) =>
      background && s.status === 'ready'
        ? { ...s, refreshing: true }
        : s.status === 'ready'
          ? s
          : { status: 'loading' },
    );
    loadRef.current().then(
      (data) => mine === seq.current && setState({ status: 'ready', data, refreshing: false, at: Date.now() }),
      (error: unknown) =>
        mine === seq.current &&
        setState((s) =>
          background && s.status === 'ready' ? { ...s, refreshing: false } : { status: 'error', error },
        ),
    );
  }, []);

  useEffect(() => {
    setState({ status: 'loading' });
    run(false);
    if (!pollMs) return;
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') run(true);
    }, pollMs);
    return () => window.clearInterval(id);
  }, [...deps, pollMs, run]);

  return { ...state, reload: () => run(state.status === 'ready') };
}

/** The current time, ticking every `everyMs` so countdowns move. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}
