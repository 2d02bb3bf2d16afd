import { OutpostError, isOutpostError } from '@outpost/contract';
import { ARTIFACT_KINDS, type ArtifactKind } from '@outpost/contract/artifacts';
import { validateGatewayConfig } from '../configs/index.js';
import { checkProcessorArtifact } from '../processors/bundle.js';
import { checkDetectorArtifact } from '../training/detector-artifact.js';

/**
 * What the hub checks before it stores an artifact version of a kind. Throw an OutpostError
 * (ERR_ARTIFACT_INVALID, naming what is wrong and where) to refuse the upload; nothing is stored then.
 * The gateway side of each kind is its installer (apps/gateway/src/artifacts/installers/).
 */
export interface ArtifactKindSpec {
  /** One line for the docs and the API description. */
  doc: string;
  validate(content: Buffer, where: string, ctx: KindCheckContext): void;
}

/** What a kind's check may need besides the bytes. */
export interface KindCheckContext { name: string; version: string; hubPublicKeyPem: string }

const invalid = (where: string, msg: string) => new OutpostError('ERR_ARTIFACT_INVALID', `${where}: ${msg}`);

/** A JSON object, or ERR_ARTIFACT_INVALID saying why not. */
export function jsonObject(content: Buffer, where: string): Record<string, unknown> {
  let v: unknown;
  try { v = JSON.parse(content.toString('utf8')); } catch (e) { throw invalid(where, `content is not valid JSON (${(e as Error).message})`); }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(where, 'content must be a JSON object');
  return v as Record<string, unknown>;
}

const nonEmpty: ArtifactKindSpec['validate'] = (content, where) => {
  if (content.byteLength === 0) throw invalid(where, 'content is empty');
};

/**
 * The artifact kinds, one line each. Owners of a kind replace its `validate` with a real check
 * (the model registry for `model`, the processor registry for `processor`); the list itself is
 * fixed by ARTIFACT_KINDS in @outpost/contract.
 */
export const ARTIFACT_KIND_SPECS: Record<ArtifactKind, ArtifactKindSpec> = {
  pipeline: {
    doc: 'A pipeline document (JSON with a `nodes` array); the gateway compiles it and activates it live.',
    validate(content, where) {
      const doc = jsonObject(content, where);
      if (!Array.isArray(doc.nodes)) throw invalid(where, 'a pipeline document needs a `nodes` array');
    },
  },
  rule: { doc: 'An alert rule set (JSON object); installed as a file and reloaded.', validate: (c, w) => void jsonObject(c, w) },
  processor: {
    doc: 'A processor bundle `{manifest, source, signature}` (JSON) signed by this hub, its manifest naming this name and version; gateways add it to their processor registry.',
    validate: (c, w, ctx) => void checkProcessorArtifact(jsonObject(c, w), w, ctx),
  },
  model: {
    doc: 'A model file: ONNX, or an Outpost detector artifact (JSON, checked against its schema); gateways place it where pipeline model nodes load it.',
    validate(content, where, ctx) { nonEmpty(content, where, ctx); checkDetectorArtifact(content, where); },
  },
  software: { doc: 'A gateway software bundle (a directory packed as tar, gzip allowed) installed into the inactive slot.', validate: nonEmpty },
  config: {
    doc: 'The `gateway` section of an Outpost config (JSON), checked against the gateway configuration schema.',
    validate(content, where) {
      try { validateGatewayConfig(jsonObject(content, where)); } catch (e) {
        throw isOutpostError(e, 'ERR_HUB_CONFIG_INVALID') ? invalid(where, e.message) : e;
      }
    },
  },
};

export function kindSpec(kind: string, where: string): ArtifactKindSpec {
  if (!(ARTIFACT_KINDS as readonly string[]).includes(kind)) throw invalid(where, `unknown artifact kind "${kind}"; expected one of ${ARTIFACT_KINDS.join(', ')}`);
  return ARTIFACT_KIND_SPECS[kind as ArtifactKind];
}
