import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { lazyRequire } from '@outpost/contract/lazy';
import { ConfigError, issue } from './errors.js';
import { isPlainObject, type Data } from './layers.js';

// Loaded when a YAML file is read: a gateway configured in JSON (or by env) keeps ~4 MiB RSS.
const loadYaml = lazyRequire<typeof import('yaml')>(import.meta.url, 'yaml');

/**
 * Read a config file: `.json` as JSON, anything else as YAML (a superset of JSON). Every parse
 * error is reported with its line and column; the top level must be a mapping.
 */
export function readConfigFile(file: string): Data {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    throw new ConfigError('ERR_CONFIG_FILE', [issue('', 'a readable YAML or JSON file', file, undefined, `cannot read config file ${file}: ${why}`)], { cause: e });
  }
  let data: unknown;
  if (extname(file).toLowerCase() === '.json') {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ConfigError('ERR_CONFIG_FILE', [issue('', 'valid JSON', undefined, undefined, `config file ${file} is not valid JSON: ${(e as Error).message}`)], { cause: e });
    }
  } else {
    const doc = loadYaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const problems = doc.errors.map((err) => {
        const pos = err.linePos?.[0];
        const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
        return issue('', 'valid YAML', undefined, undefined, `config file ${file} is not valid YAML${where}: ${err.message.split('\n')[0]}`);
      });
      throw new ConfigError('ERR_CONFIG_FILE', problems);
    }
    data = doc.toJS();
  }
  if (data === null || data === undefined) return {}; // an empty file means "all defaults"
  if (!isPlainObject(data)) {
    throw new ConfigError('ERR_CONFIG_FILE', [issue('', 'a mapping with sections gateway, hub, simulator, dev', data, undefined, `config file ${file}: expected a mapping at the top level, got ${Array.isArray(data) ? 'a list' : typeof data}`)]);
  }
  return data;
}
