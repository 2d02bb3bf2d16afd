import './pipelines.css';
import { Route, Routes, useNavigate, useParams } from 'react-router';
import { useGet } from '../../api/use-api.js';
import { Resource } from '../../components/states.js';
import { Tabs } from '../../components/Tabs.js';
import { Builder } from './builder/Builder.js';
import { DeploymentTab } from './deploy/DeploymentTab.js';
import type { PipelineDoc, VersionsResponse } from './types.js';
import { VersionsTab } from './versions/VersionsTab.js';

const TABS = [
  { path: '', label: 'Builder' },
  { path: 'versions', label: 'Versions' },
  { path: 'deployment', label: 'Deployment' },
];

const EMPTY: PipelineDoc = { schemaVersion: 1, id: 'new-pipeline', nodes: [], edges: [] };

/** A new pipeline: the builder on an empty canvas; saving its first version opens its page. */
export function NewPipelinePage() {
  const navigate = useNavigate();
  return (
    <section>
      <h1>New pipeline</h1>
      <Builder initial={EMPTY} isNew onSaved={(r) => navigate(`/pipelines/${encodeURIComponent(r.pipelineId)}`)} />
    </section>
  );
}

/** One saved pipeline: builder on its latest version, versions (with output diff), deployment. */
export function PipelinePage() {
  const { id = '' } = useParams();
  const base = `/pipelines/${encodeURIComponent(id)}`;
  const versions = useGet<VersionsResponse>(`/v1${base}/versions`);
  return (
    <section>
      <h1>Pipeline {id}</h1>
      <Resource res={versions} what="pipeline versions">
        {(v) => {
          const latest = v.versions.at(-1);
          return (
            <>
              <p className="muted">latest v{latest?.version} · {v.versions.length} version{v.versions.length === 1 ? '' : 's'} · on the hub: {v.activeVersion === null ? 'not running' : `v${v.activeVersion}`}</p>
              <Tabs base={base} tabs={TABS} />
              <Routes>
                <Route path="/" element={latest && <Builder key={latest.version} initial={latest.doc} isNew={false} onSaved={versions.reload} />} />
                <Route path="versions" element={<VersionsTab data={v} />} />
                <Route path="deployment" element={<DeploymentTab pipelineId={id} versions={v.versions} />} />
              </Routes>
            </>
          );
        }}
      </Resource>
    </section>
  );
}
