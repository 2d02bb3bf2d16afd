import type { ReactNode } from 'react';
import type { ApiError } from '../api/client.js';
import type { Loaded } from '../api/use-api.js';

export function Loading({ what }: { what: string }) {
  return <p className="muted" role="status" aria-busy="true">Loading {what}…</p>;
}

/** An API error as the hub said it: code and message, plus a retry where one makes sense. */
export function ErrorNotice({ error, retry }: { error: ApiError | undefined; retry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <strong>{error.code}</strong> {error.message}
      {retry && <button type="button" className="link" onClick={retry}>Retry</button>}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty muted">{children}</p>;
}

/** Loading, error, empty or the content, in that order: every list page renders through this. */
export function Resource<T>({ res, what, empty, children }: { res: Loaded<T>; what: string; empty?: (d: T) => ReactNode | false; children: (d: T) => ReactNode }) {
  if (res.error) return <ErrorNotice error={res.error} retry={res.reload} />;
  if (res.data === undefined) return <Loading what={what} />;
  const e = empty?.(res.data);
  if (e) return <Empty>{e}</Empty>;
  return <>{children(res.data)}</>;
}
