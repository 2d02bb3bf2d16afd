import './pipelines.css';
import { Link } from 'react-router';
import { useGet } from '../../api/use-api.js';
import { Resource } from '../../components/states.js';
import { ago } from '../../components/format.js';
import { useSession } from '../../app/session.js';

interface Running { queued?: number; dropped?: number; [k: string]: unknown }
interface Summary { id: string; latestVersion: number; versions: number; updatedAt: number; activeVersion: number | null; activatedAt: number | null; running: Running | null }

/** Saved pipelines: latest version, how many versions, which one runs on the hub. */
export function PipelinesPage() {
  const { canChange } = useSession();
  const list = useGet<{ pipelines: Summary[] }>('/v1/pipelines');
  return (
    <section>
      <h1>Pipelines</h1>
      <div className="toolbar">
        {canChange && <Link className="button primary" to="/pipelines/new">New pipeline</Link>}
        <Link className="button" to="/scripts">Scripts and processors</Link>
      </div>
      <Resource res={list} what="pipelines" empty={(d) => d.pipelines.length === 0 && 'No saved pipelines yet. Build one with "New pipeline".'}>
        {(d) => (
          <table className="grid">
            <thead><tr><th>pipeline</th><th>latest version</th><th>versions</th><th>runs on the hub</th><th>updated</th></tr></thead>
            <tbody>
              {d.pipelines.map((p) => (
                <tr key={p.id}>
                  <td><Link to={`/pipelines/${encodeURIComponent(p.id)}`}>{p.id}</Link></td>
                  <td>v{p.latestVersion}</td>
                  <td>{p.versions}</td>
                  <td>{p.activeVersion === null ? <span className="muted">no</span> : `v${p.activeVersion}`}</td>
                  <td>{ago(p.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Resource>
    </section>
  );
}
