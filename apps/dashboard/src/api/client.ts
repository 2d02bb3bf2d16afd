/**
 * The only way the dashboard talks to the world: the hub's HTTP API under /v1, same origin.
 * Errors come back as the hub's `{ error: { code, message } }` and are thrown as ApiError so pages
 * can show the code and the hub's own wording.
 */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export interface Credentials {
  token: string | null;
  /** Organisation a system admin acts in (X-Outpost-Org); null: the user's own. */
  org: string | null;
}

export type Query = Record<string, string | number | boolean | undefined | null | Array<string | number>>;

export function queryString(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function headersFor(creds: Credentials, json: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (json) h['content-type'] = 'application/json';
  if (creds.token) h.authorization = `Bearer ${creds.token}`;
  if (creds.org) h['x-outpost-org'] = creds.org;
  return h;
}

export async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) return new ApiError(res.status, body.error.code, body.error.message ?? res.statusText, body.error.details);
  } catch { /* not the hub's JSON error: fall through */ }
  return new ApiError(res.status, `HTTP_${res.status}`, text.slice(0, 300) || res.statusText);
}

export interface Api {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
  /** A raw authenticated fetch (streams: the live event feed). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export function createApi(creds: () => Credentials, onUnauthorized: (e: ApiError) => void): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(path, { method, headers: headersFor(creds(), body !== undefined), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', `the hub cannot be reached (${(e as Error).message})`);
    }
    if (!res.ok) {
      const err = await errorOf(res);
      if (res.status === 401) onUnauthorized(err);
      throw err;
    }
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  };
  return {
    get: (path, query) => call('GET', path + queryString(query)),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
    del: (path) => call('DELETE', path),
    fetch: (path, init = {}) => fetch(path, { ...init, headers: { ...headersFor(creds(), false), ...(init.headers as Record<string, string> | undefined) } }),
  };
}
