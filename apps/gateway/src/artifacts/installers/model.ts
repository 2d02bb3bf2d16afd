import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineService } from '../../pipelines/pipeline-service.js';
import type { Installer, StagedArtifact } from '../types.js';

/** An Outpost detector artifact (JSON, `format: outpost.anomaly-model`), or null for anything else (ONNX). */
function detectorDoc(file: string): unknown {
  const bytes = readFileSync(file);
  if (bytes[0] !== 0x7b) return null; // '{': ONNX files are protobuf and never start with it
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { format?: unknown };
    return doc.format === 'outpost.anomaly-model' ? doc : null;
  } catch { return null; }
}

/**
 * Models: the verified file is placed in the pipelines' models folder as `<name>@<version>.json`
 * (an Outpost detector artifact, e.g. a model version trained and deployed by the hub) or
 * `<name>@<version>.onnx` (anything else), where a `model` node with `modelId` = name and
 * `version` = version loads it. A detector is validated at stage (a bad artifact changes nothing);
 * an ONNX model is loaded into the model cache at activation, so one that does not load fails
 * there and the agent rolls back. Earlier versions stay in the folder: a pipeline that names one
 * keeps working.
 */
export function modelInstaller(o: { dataDir: string; pipelines: () => PipelineService | undefined }): Installer {
  // The gateway's own folder when its pipelines run (gateway.pipelines.modelsDir), else the default.
  const dir = () => o.pipelines()?.models.dir ?? join(o.dataDir, 'models');
  const fileOf = (a: Pick<StagedArtifact, 'name' | 'version'>, ext: string) => join(dir(), `${a.name}@${a.version}${ext}`);
  const installed = new Map<string, string[]>();
  return {
    async stage(a) {
      const doc = detectorDoc(a.file);
      if (doc !== null) (await import('@outpost/ml')).parseArtifact(doc);
    },
    async activate(a) {
      const ext = detectorDoc(a.file) !== null ? '.json' : '.onnx';
      mkdirSync(dir(), { recursive: true });
      const dest = fileOf(a, ext);
      const tmp = `${dest}.tmp-${process.pid}`;
      copyFileSync(a.file, tmp);
      renameSync(tmp, dest);
      installed.set(a.name, [...(installed.get(a.name) ?? []), dest]);
      if (ext === '.onnx') await o.pipelines()?.models.preload(a.name, a.version);
    },
    async remove(_kind, name) {
      for (const f of installed.get(name) ?? []) rmSync(f, { force: true });
      installed.delete(name);
    },
  };
}
