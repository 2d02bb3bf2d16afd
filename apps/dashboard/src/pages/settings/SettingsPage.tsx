import { useSession } from '../../app/session.js';
import { UsersPanel } from './UsersPanel.js';
import { ApiKeysPanel } from './ApiKeysPanel.js';
import { AuditPanel } from './AuditPanel.js';

/** Users and roles for everyone; API keys and the audit log are for admins (the hub allows no less). */
export function SettingsPage() {
  const s = useSession();
  return (
    <section>
      <h1>Settings</h1>
      <UsersPanel />
      {s.canChange ? <><ApiKeysPanel /><AuditPanel /></> : <p className="muted">API keys and the audit log are visible to organisation admins.</p>}
    </section>
  );
}
