/**
 * JSON Schema of the pipeline document. The base schema checks the envelope (nodes, edges, ids);
 * `buildPipelineSchema(registry)` adds every registered operator's config schema, keyed by kind
 * and typeVersion — that full schema is the published one (docs/reference/pipeline.schema.json),
 * used by editors and the dashboard.
 */
import type { OperatorRegistry } from '../types.js';

export const PIPELINE_SCHEMA_ID = 'https://outpost.dev/schemas/pipeline.schema.json';
export const NODE_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]{0,63}$';

const nodeSchema = {
  type: 'object',
  required: ['id', 'kind', 'typeVersion'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: NODE_ID_PATTERN, description: 'Unique within the pipeline.' },
    kind: { type: 'string', description: 'Operator kind, e.g. filter, aggregate.' },
    typeVersion: { type: 'integer', minimum: 1, description: 'Operator version the node was written against.' },
    name: { type: 'string', maxLength: 200 },
    config: { type: 'object' },
  },
} as const;

const edgeSchema = {
  type: 'object',
  required: ['from', 'to'],
  additionalProperties: false,
  properties: {
    from: { type: 'string', pattern: NODE_ID_PATTERN },
    fromPort: { type: 'string', description: 'Output port of `from` (default `out`).' },
    to: { type: 'string', pattern: NODE_ID_PATTERN },
    toPort: { type: 'string', description: 'Input port of `to` (default `in`).' },
  },
} as const;

/** The envelope only: node configs are checked per operator. */
export const BASE_PIPELINE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${PIPELINE_SCHEMA_ID}#base`,
  title: 'Outpost pipeline document',
  type: 'object',
  required: ['schemaVersion', 'id', 'nodes', 'edges'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1, description: 'Version of the document format.' },
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$' },
    name: { type: 'string', maxLength: 200 },
    description: { type: 'string', maxLength: 4000 },
    nodes: { type: 'array', minItems: 1, maxItems: 1000, items: { $ref: '#/definitions/node' } },
    edges: { type: 'array', maxItems: 5000, items: { $ref: '#/definitions/edge' } },
  },
  definitions: { node: nodeSchema, edge: edgeSchema },
} as const;

export function configDefinitionName(kind: string, typeVersion: number): string {
  return `${kind}.v${typeVersion}`;
}

/** The published schema: the envelope plus each operator's config schema by kind and version. */
export function buildPipelineSchema(registry: OperatorRegistry): Record<string, unknown> {
  const defs = [...registry.all()].sort((a, b) => a.kind.localeCompare(b.kind) || a.typeVersion - b.typeVersion);
  const definitions: Record<string, unknown> = { edge: edgeSchema };
  const branches: unknown[] = [];
  for (const d of defs) {
    const name = configDefinitionName(d.kind, d.typeVersion);
    definitions[name] = { title: `${d.title} (v${d.typeVersion})`, description: d.description, ...d.configSchema };
    branches.push({
      if: { required: ['kind', 'typeVersion'], properties: { kind: { const: d.kind }, typeVersion: { const: d.typeVersion } } },
      then: { properties: { config: { $ref: `#/definitions/${name}` } } },
    });
  }
  const kinds = [...new Set(defs.map((d) => d.kind))];
  definitions.node = {
    ...nodeSchema,
    properties: { ...nodeSchema.properties, kind: { ...nodeSchema.properties.kind, enum: kinds } },
    allOf: branches,
  };
  return {
    ...BASE_PIPELINE_SCHEMA,
    $id: PIPELINE_SCHEMA_ID,
    description: 'A directed acyclic graph of operator nodes joined by typed ports. Generated from the operator registry; do not edit by hand.',
    definitions,
  };
}
