import { NavLink, Outlet } from 'react-router';
import { useGet } from '../api/use-api.js';
import type { Items, Org } from '../api/types.js';
import { useSession } from './session.js';
import { NAV } from '../pages/index.js';

/** Switch the organisation requests act in; only system admins can list and enter other orgs. */
function OrgSwitcher() {
  const s = useSession();
  const orgs = useGet<Items<Org>>(s.isSystemAdmin ? '/v1/orgs' : null);
  if (!s.isSystemAdmin) return null;
  return (
    <label className="org-switcher">Organisation
      <select aria-label="Organisation" value={s.orgId ?? ''} onFocus={orgs.reload} onChange={(e) => s.switchOrg(e.target.value)} disabled={!orgs.data}>
        {(orgs.data?.items ?? []).map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
      </select>
    </label>
  );
}

export function Layout() {
  const s = useSession();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Outpost</span>
        <nav aria-label="Main">
          {NAV.map((n) => <NavLink key={n.path} to={n.path.replace(/\/\*$/, '')}>{n.label}</NavLink>)}
        </nav>
        <div className="who">
          <OrgSwitcher />
          <span className="muted" title={s.user?.role}>{s.user?.email} · {s.user?.role.replace('_', ' ')}</span>
          <button type="button" className="link" onClick={() => { void s.api.del('/v1/sessions/current').catch(() => {}); s.signOut(); }}>Sign out</button>
        </div>
      </header>
      {/* Remount pages when the organisation changes so nothing of the previous one lingers. */}
      <main className="content" key={s.orgId ?? ''}><Outlet /></main>
    </div>
  );
}
