// Prints the engine's node kinds as JSON (run under tsx by operator-catalogue.ts at build time).
import { BUILTIN_OPERATORS } from '@outpost/operators';

const kinds = BUILTIN_OPERATORS.map((d) => ({
  kind: d.kind, typeVersion: d.typeVersion, title: d.title, description: d.description,
  configSchema: d.configSchema,
  inputs: d.inputs.map((p) => p.name),
  outputs: d.outputs.map((p) => p.name),
}));
process.stdout.write(JSON.stringify(kinds));
