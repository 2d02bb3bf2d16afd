import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from '../app/session.js';
import { ApiError, type Api, type Query } from './client.js';

export interface Loaded<T> { data: T | undefined; error: ApiError | undefined; loading: boolean; reload(): void }

/**
 * GET `path` whenever it, the query or the acting organisation changes. `path` null waits (a
 * dependency is not chosen yet). Stale answers of an earlier request are dropped.
 */
export function useGet<T>(path: string | null, query?: Query): Loaded<T> {
  const { api, orgId } = useSession();
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify([path, query, orgId, tick]);
  const seq = useRef(0);
  useEffect(() => {
    if (path === null) { setState({ loading: false }); return; }
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    api.get<T>(path, query).then(
      (data) => { if (mine === seq.current) setState({ data, loading: false }); },
      (error: unknown) => { if (mine === seq.current) setState({ error: toApiError(error), loading: false }); },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export const toApiError = (e: unknown): ApiError => (e instanceof ApiError ? e : new ApiError(0, 'ERR_CLIENT', (e as Error)?.message ?? String(e)));

/** Run a change (POST/PATCH/DELETE) with busy and error state, for buttons and forms. */
export function useAction() {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const run = useCallback(async <R,>(f: (api: Api) => Promise<R>): Promise<R | undefined> => {
    setBusy(true); setError(undefined);
    try { return await f(api); } catch (e) { setError(toApiError(e)); return undefined; } finally { setBusy(false); }
  }, [api]);
  return { run, busy, error, clearError: () => setError(undefined) };
}
