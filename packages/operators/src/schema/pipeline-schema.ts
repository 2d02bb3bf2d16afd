/**
 * The published pipeline schema, generated from the registry. `npm run schema:pipeline` writes it
 * to docs/reference/pipeline.schema.json; pipeline-schema.test.ts fails when that file is stale.
 */
import { buildPipelineSchema } from '@outpost/engine';
import { builtinOperators } from '../registry.js';

export const PIPELINE_SCHEMA_PATH = 'docs/reference/pipeline.schema.json';

export function renderPipelineSchema(): string {
  return `${JSON.stringify(buildPipelineSchema(builtinOperators), null, 2)}\n`;
}
