import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, createApi } from '../../api/client.js';
import type { SessionUser } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import { ErrorNotice } from '../../components/states.js';

/** Sign in with a hub user (POST /v1/sessions). */
export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    try {
      // No credentials yet: a client of its own, so a wrong password is not a "session ended".
      const api = createApi(() => ({ token: null, org: null }), () => {});
      const r = await api.post<{ token: string; user: SessionUser }>('/v1/sessions', { email, password });
      session.signIn(r.token, r.user);
      navigate('/fleet', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERR_CLIENT', String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form onSubmit={submit} className="card" aria-label="Sign in">
        <h1>Outpost</h1>
        {session.endedBecause && <p className="muted">{session.endedBecause}</p>}
        <label>Email<input name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
