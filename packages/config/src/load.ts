import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { readConfigFile } from './file.js';
import { assignmentLayer, deepMerge, envLayer, fixedLayer, originOf, type Data, type Layer, type Path } from './layers.js';
import { validateSchema } from './validate.js';
import { checkRules } from './rules.js';
import type { OutpostConfig, OutpostConfigInput } from './schema/index.js';

export interface LoadConfigOptions {
  /** YAML or JSON file. */
  file?: string;
  /** Environment to read OUTPOST_* settings from (pass `process.env`; omitted: none). */
  env?: Record<string, string | undefined>;
  /** `path=value` assignments (the CLI's `--set`), coerced like environment variables. */
  set?: readonly string[];
  /** Typed overrides, highest precedence (the CLI's flags, tests). */
  overrides?: OutpostConfigInput;
}

/**
 * Load the configuration: defaults ← file ← env ← --set ← overrides. Throws a ConfigError that
 * lists every problem (key path, value, what was expected, where the value came from).
 */
export function loadConfig(opts: LoadConfigOptions = {}): OutpostConfig {
  const layers: Layer[] = [];
  if (opts.file !== undefined) layers.push(fixedLayer(readConfigFile(opts.file), `file ${opts.file}`));
  if (opts.env) layers.push(envLayer(opts.env));
  const assigned = assignmentLayer(opts.set ?? []);
  layers.push(assigned);
  if (opts.overrides) layers.push(fixedLayer(opts.overrides as Data, 'override'));

  const merged: Data = {};
  for (const layer of layers) deepMerge(merged, layer.data);
  const origin = (path: Path) => originOf(layers, path);

  const schemaIssues = [...assigned.problems, ...validateSchema(merged, origin)];
  if (schemaIssues.length > 0) throw new ConfigError('ERR_CONFIG_INVALID', schemaIssues);
  const config = merged as unknown as OutpostConfig;
  const ruleIssues = checkRules(config, origin);
  if (ruleIssues.length > 0) throw new ConfigError('ERR_CONFIG_INVALID', ruleIssues);

  // Defaults that depend on other settings.
  config.gateway.store.path ??= join(config.gateway.dataDir, 'gateway.db');
  config.gateway.mqtt.clientId ??= `outpost-${config.gateway.id}`;
  return config;
}

/** All defaults, no file, no env: what `outpost dev` runs with out of the box. */
export function defaultConfig(): OutpostConfig {
  return loadConfig();
}
