/**
 * A processor: an uploadable single-file script (JavaScript defining `function process`, or a
 * Python file defining `def process`) plus a manifest. The manifest is validated with a JSON
 * Schema, and its own config/input/output schemas are compiled, so a broken schema is refused at
 * upload rather than at the first point. The dashboard renders the config form from `configSchema`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { OutpostError } from '@outpost/contract';
import type { SandboxLimits, ScriptLanguage } from '../types.js';
import { resolveLimits, DEFAULT_PROCESSOR_LIMITS } from '../limits.js';

export interface ProcessorManifest {
  /** Lower-case name, unique in a registry: `heat-index`. */
  name: string;
  /** Semantic version `MAJOR.MINOR.PATCH`; versions are immutable. */
  version: string;
  description: string;
  language: ScriptLanguage;
  /** JSON Schema of the processor's configuration (an object). */
  configSchema: Record<string, unknown>;
  /** JSON Schema one input point must satisfy; absent = any point. */
  inputSchema?: Record<string, unknown>;
  /** JSON Schema one output point must satisfy; absent = any point. */
  outputSchema?: Record<string, unknown>;
  /** Limits over DEFAULT_PROCESSOR_LIMITS. */
  limits?: Partial<SandboxLimits>;
}

export interface ProcessorBundle {
  manifest: ProcessorManifest;
  source: string;
}

export const MANIFEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'version', 'description', 'language', 'configSchema'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,63}$' },
    version: { type: 'string', pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$' },
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    language: { enum: ['javascript', 'python'] },
    configSchema: { type: 'object' },
    inputSchema: { type: 'object' },
    outputSchema: { type: 'object' },
    limits: { type: 'object' },
  },
} as const;

/** Max size of a processor's source; larger uploads are refused before parsing. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateManifestShape = ajv.compile(MANIFEST_SCHEMA);

export interface CompiledSchemas {
  config: ValidateFunction;
  input?: ValidateFunction;
  output?: ValidateFunction;
  limits: SandboxLimits;
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}

/** Validates a bundle and compiles its schemas; throws ERR_PROCESSOR_INVALID naming every problem. */
export function validateBundle(bundle: ProcessorBundle): CompiledSchemas {
  if (bundle === null || typeof bundle !== 'object') throw new OutpostError('ERR_PROCESSOR_INVALID', 'a processor bundle must be an object {manifest, source}');
  if (!validateManifestShape(bundle.manifest)) {
    throw new OutpostError('ERR_PROCESSOR_INVALID', `processor manifest: ${describeErrors(validateManifestShape.errors)}`, { errors: validateManifestShape.errors });
  }
  const m = bundle.manifest;
  const where = `processor ${m.name}@${m.version}`;
  if (typeof bundle.source !== 'string' || bundle.source.trim() === '') throw new OutpostError('ERR_PROCESSOR_INVALID', `${where}: source must be non-empty text`);
  if (Buffer.byteLength(bundle.source) > MAX_SOURCE_BYTES) {
    throw new OutpostError('ERR_PROCESSOR_INVALID', `${where}: source is larger than ${MAX_SOURCE_BYTES} bytes`);
  }
  const compile = (schema: Record<string, unknown> | undefined, field: string): ValidateFunction | undefined => {
    if (schema === undefined) return undefined;
    try {
      return ajv.compile(schema);
    } catch (e) {
      throw new OutpostError('ERR_PROCESSOR_INVALID', `${where}: ${field} is not a valid JSON Schema: ${(e as Error).message}`, { field });
    }
  };
  let limits: SandboxLimits;
  try {
    limits = resolveLimits(m.limits, DEFAULT_PROCESSOR_LIMITS, `${where} limits`);
  } catch (e) {
    throw new OutpostError('ERR_PROCESSOR_INVALID', (e as Error).message);
  }
  const out: CompiledSchemas = { config: compile(m.configSchema, 'configSchema') as ValidateFunction, limits };
  const input = compile(m.inputSchema, 'inputSchema');
  const output = compile(m.outputSchema, 'outputSchema');
  if (input) out.input = input;
  if (output) out.output = output;
  return out;
}
