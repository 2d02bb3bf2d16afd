import { OutpostError, isOutpostError } from '@outpost/contract';
import { parseArtifact } from '@outpost/ml';

/**
 * The hub's check of a `model` artifact that is an Outpost detector (JSON with
 * `format: outpost.anomaly-model`): it must match the artifact schema, or the upload is refused
 * with ERR_ARTIFACT_INVALID naming every problem. Other content (ONNX) is left to other checks.
 */
export function checkDetectorArtifact(content: Buffer, where: string): void {
  if (content[0] !== 0x7b) return; // '{': ONNX files are protobuf and never start with it
  let doc: { format?: unknown };
  try { doc = JSON.parse(content.toString('utf8')) as { format?: unknown }; } catch { return; }
  if (doc.format !== 'outpost.anomaly-model') return;
  try { parseArtifact(doc); } catch (e) {
    throw isOutpostError(e, 'ERR_ML_ARTIFACT_INVALID') ? new OutpostError('ERR_ARTIFACT_INVALID', `${where}: ${e.message}`) : e;
  }
}
