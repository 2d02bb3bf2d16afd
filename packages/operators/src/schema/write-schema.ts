// Writes docs/reference/pipeline.schema.json from the operator registry (npm run schema:pipeline).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PIPELINE_SCHEMA_PATH, renderPipelineSchema } from './pipeline-schema.js';

const root = new URL('../../../../', import.meta.url).pathname;
const target = join(root, PIPELINE_SCHEMA_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderPipelineSchema());
console.log(`wrote ${PIPELINE_SCHEMA_PATH}`);
