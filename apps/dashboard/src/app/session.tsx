import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { createApi, type Api, type ApiError } from '../api/client.js';
import type { Role, SessionUser } from '../api/types.js';

/** Who is signed in, the organisation they act in, and an API client carrying both. */
export interface Session {
  user: SessionUser | null;
  token: string | null;
  /** Organisation the requests act in (a system admin may switch). */
  orgId: string | null;
  api: Api;
  canChange: boolean;
  isSystemAdmin: boolean;
  signIn(token: string, user: SessionUser): void;
  signOut(reason?: string): void;
  switchOrg(orgId: string): void;
  /** Why the last session ended (expired token), shown on the sign-in page. */
  endedBecause: string | null;
}

const STORE_KEY = 'outpost.session';
interface Stored { token: string; user: SessionUser; org: string | null }

function load(): Stored | null {
  try { return JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null') as Stored | null; } catch { return null; }
}

const SessionContext = createContext<Session | null>(null);

/** Members see; org and system admins change. */
export const canChange = (role: Role | undefined) => role === 'org_admin' || role === 'system_admin';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | null>(load);
  const [endedBecause, setEnded] = useState<string | null>(null);
  const save = useCallback((s: Stored | null) => {
    if (s) localStorage.setItem(STORE_KEY, JSON.stringify(s)); else localStorage.removeItem(STORE_KEY);
    setStored(s);
  }, []);
  // The API client reads the latest credentials at call time, so it is made once.
  const ref = useMemo(() => ({ current: stored }), []);
  ref.current = stored;
  const signOut = useCallback((reason?: string) => { setEnded(reason ?? null); save(null); }, [save]);
  const api = useMemo(() => createApi(
    () => ({ token: ref.current?.token ?? null, org: ref.current?.org ?? null }),
    (e: ApiError) => { if (ref.current) signOut(`Signed out: ${e.message}`); },
  ), [ref, signOut]);

  const value: Session = {
    user: stored?.user ?? null,
    token: stored?.token ?? null,
    orgId: stored ? stored.org ?? stored.user.orgId : null,
    api,
    canChange: canChange(stored?.user.role),
    isSystemAdmin: stored?.user.role === 'system_admin',
    signIn: (token, user) => { setEnded(null); save({ token, user, org: null }); },
    signOut,
    switchOrg: (org) => { if (stored) save({ ...stored, org: org === stored.user.orgId ? null : org }); },
    endedBecause,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
