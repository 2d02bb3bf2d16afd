import { useState, type FormEvent } from 'react';
import { useAction, useGet } from '../../api/use-api.js';
import type { Items, Role, User } from '../../api/types.js';
import { useSession } from '../../app/session.js';
import { ErrorNotice, Resource } from '../../components/states.js';
import { dateTime } from '../../components/format.js';

const ROLES: Role[] = ['member', 'org_admin'];

/** Users of the organisation and their roles; admins add users. */
export function UsersPanel() {
  const s = useSession();
  const users = useGet<Items<User>>('/v1/users');
  const act = useAction();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('member');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await act.run((api) => api.post('/v1/users', { email, password, role }))) { setEmail(''); setPassword(''); users.reload(); }
  };
  return (
    <section className="panel" aria-label="Users">
      <h2>Users and roles</h2>
      <p className="muted">Members see everything in the organisation; org admins also change it.</p>
      <Resource res={users} what="users">
        {(d) => (
          <table className="grid" aria-label="Users">
            <thead><tr><th>Email</th><th>Role</th><th>Created</th></tr></thead>
            <tbody>{d.items.map((u) => <tr key={u.id}><td>{u.email}</td><td>{u.role.replace('_', ' ')}</td><td>{dateTime(u.createdAt)}</td></tr>)}</tbody>
          </table>
        )}
      </Resource>
      {s.canChange && (
        <form className="toolbar" onSubmit={(e) => void add(e)} aria-label="Add user">
          <label>Email<input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
          <label>Initial password<input type="password" required minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} /></label>
          <label>Role<select value={role} onChange={(e) => setRole(e.target.value as Role)}>{ROLES.map((r) => <option key={r} value={r}>{r.replace('_', ' ')}</option>)}</select></label>
          <button type="submit" disabled={act.busy}>Add user</button>
        </form>
      )}
      <ErrorNotice error={act.error} />
    </section>
  );
}
