import { NavLink } from 'react-router';

/** Tabs as links (each tab has its own URL, so reload and back work). */
export function Tabs({ base, tabs }: { base: string; tabs: ReadonlyArray<{ path: string; label: string }> }) {
  return (
    <nav className="tabs" role="tablist">
      {tabs.map((t) => <NavLink key={t.path} role="tab" end to={t.path ? `${base}/${t.path}` : base}>{t.label}</NavLink>)}
    </nav>
  );
}
