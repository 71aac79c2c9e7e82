import { useCallback, useEffect, useState } from "preact/hooks";

export type Loaded<T> = { data?: T; error?: string; loading: boolean; reload: () => void };

/** Loads on mount and whenever `key` changes, then every `everyMs` so the page follows the ledger without a reload. */
export function useLoad<T>(load: () => Promise<T>, key: string, everyMs = 30_000): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState((s) => ({ ...s, error: error instanceof Error ? error.message : String(error), loading: false })),
    );
    const timer = setInterval(reload, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
    // `load` is a new closure each render; `key` says when its inputs change.
  }, [key, tick]);
  return { ...state, reload };
}

export function LoadState({ loaded, what }: { loaded: Loaded<unknown>; what: string }) {
  if (loaded.error) return <p class="notice notice--error" role="alert">{`Could not load ${what}: ${loaded.error}`}</p>;
  if (loaded.loading && loaded.data === undefined) return <p class="muted" aria-live="polite">{`Loading ${what}…`}</p>;
  return null;
}
