/**
 * Checks a document against the envelope schema and each node's config against its operator's
 * schema, collecting every problem with the node it belongs to (never stopping at the first).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { CompileIssue, OperatorDefinition, OperatorRegistry, PipelineDocument } from '../types.js';
import { BASE_PIPELINE_SCHEMA } from './schema.js';

// discriminator: a oneOf keyed by a property (transform's `op`) reports errors of the matching branch only.
const ajv = new Ajv({ allErrors: true, strict: false, discriminator: true });
const validateBase = ajv.compile(BASE_PIPELINE_SCHEMA);
const configValidators = new WeakMap<OperatorDefinition, ValidateFunction>();

function configValidator(def: OperatorDefinition): ValidateFunction {
  let v = configValidators.get(def);
  if (!v) configValidators.set(def, (v = ajv.compile(def.configSchema)));
  return v;
}

export function validateDocument(doc: unknown, registry: OperatorRegistry): { issues: CompileIssue[]; envelopeOk: boolean } {
  const issues: CompileIssue[] = [];
  if (!validateBase(doc)) {
    for (const e of collapse(validateBase.errors ?? [])) issues.push(toIssue(e, '', doc));
    return { issues, envelopeOk: false };
  }
  const d = doc as PipelineDocument;
  const seen = new Set<string>();
  d.nodes.forEach((node, i) => {
    if (seen.has(node.id)) issues.push({ nodeId: node.id, code: 'ERR_PIPELINE_INVALID', path: `/nodes/${i}/id`, message: `duplicate node id '${node.id}'` });
    seen.add(node.id);
    const def = registry.get(node.kind, node.typeVersion);
    if (!def) {
      const versions = registry.versions(node.kind);
      const known = [...new Set(registry.all().map((x) => x.kind))].join(', ');
      issues.push({
        nodeId: node.id, code: 'ERR_PIPELINE_INVALID', path: `/nodes/${i}`,
        message: versions.length === 0
          ? `unknown node kind '${node.kind}'; known kinds: ${known}`
          : `${node.kind} has no typeVersion ${node.typeVersion}; this engine has ${versions.join(', ')}`,
      });
      return;
    }
    const validate = configValidator(def);
    if (!validate(node.config ?? {})) {
      for (const e of collapse(validate.errors ?? [])) issues.push(toIssue(e, `/nodes/${i}/config`, doc, node.id));
    }
  });
  return { issues, envelopeOk: true };
}

function toIssue(e: ErrorObject, prefix: string, doc: unknown, nodeId?: string): CompileIssue {
  const path = prefix + e.instancePath;
  let id = nodeId;
  const m = /^\/nodes\/(\d+)/.exec(path);
  if (id === undefined && m) {
    const n = (doc as { nodes?: { id?: unknown }[] }).nodes?.[Number(m[1])];
    if (typeof n?.id === 'string') id = n.id;
  }
  const where = path === '' ? 'document' : path;
  let message = `${where} ${e.message ?? 'is invalid'}`;
  if (e.keyword === 'additionalProperties') message = `${where}: unknown field '${String(e.params.additionalProperty)}'`;
  else if (e.keyword === 'enum') message = `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const issue: CompileIssue = { code: 'ERR_PIPELINE_INVALID', message, path };
  if (id !== undefined) issue.nodeId = id;
  return issue;
}

/**
 * One issue per document location: the alternatives of an anyOf/oneOf are joined into one
 * message ("must match pattern … or must be integer") instead of one line per branch.
 */
function collapse(errors: readonly ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const out: ErrorObject[] = [];
  for (const list of byPath.values()) {
    const branches = list.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
    if (branches.length === list.length || branches.length === 0) { out.push(...list); continue; }
    const parts = [...new Set(branches.map((e) => (e.keyword === 'enum' ? `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : e.message ?? 'is invalid')))];
    out.push({ ...branches[0]!, keyword: 'alternatives', message: parts.join(' or ') });
  }
  return out;
}
