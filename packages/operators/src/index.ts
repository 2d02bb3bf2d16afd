export { BUILTIN_OPERATORS, builtinOperators } from './registry.js';
export { renderPipelineSchema, PIPELINE_SCHEMA_PATH } from './schema/pipeline-schema.js';
export { UNITS, unitConverter } from './transform/units.js';
