import { readFileSync } from 'node:fs';
import type { PipelineService } from '../../pipelines/pipeline-service.js';
import type { Installer, StagedArtifact } from '../types.js';

const docOf = (a: StagedArtifact): { id?: unknown } => JSON.parse(readFileSync(a.file, 'utf8')) as { id?: unknown };
const idOf = (a: StagedArtifact): string => (typeof docOf(a).id === 'string' ? (docOf(a).id as string) : a.name);

/**
 * Pipelines (#4: "assigning a version to a device type or device makes it active there"): the
 * document is saved as a local version (compiled here first: a pipeline that does not compile is
 * refused before anything changes) and activated live — hot swap, window state kept. Health: no
 * point errors while the health check runs; error rate and latency go to the hub's gates.
 */
export function pipelineInstaller(service: () => PipelineService | undefined, wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Installer {
  const svc = () => {
    const s = service();
    if (!s) throw new Error('the gateway is not running, so there is no pipeline service to install into');
    return s;
  };
  const versionOf = new Map<string, number>();
  return {
    async stage(a) {
      const { version } = await svc().save(JSON.parse(readFileSync(a.file, 'utf8')), `artifact ${a.name}@${a.version}`);
      versionOf.set(`${a.name}@${a.version}`, version.version);
    },
    async activate(a) {
      let v = versionOf.get(`${a.name}@${a.version}`);
      if (v === undefined) { await this.stage!(a); v = versionOf.get(`${a.name}@${a.version}`)!; }
      await svc().activate(idOf(a), v, `deployment of ${a.name}@${a.version}`);
    },
    async health(a, healthS) {
      const id = idOf(a);
      const before = svc().stats().active[id];
      await wait(healthS * 1000);
      const after = svc().stats().active[id];
      if (!after) throw new Error(`pipeline ${id} is not running after activation`);
      const points = after.points - (before?.points ?? 0);
      const errors = after.errors - (before?.errors ?? 0);
      return { errorRate: points > 0 ? errors / points : 0 };
    },
    async remove(_kind, name) {
      await svc().deactivate(name);
    },
  };
}
