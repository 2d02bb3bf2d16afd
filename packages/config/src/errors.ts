import { OutpostError } from '@outpost/contract';

/** One problem in a configuration: where, what it holds, what was expected, and where it came from. */
export interface ConfigIssue {
  /** Display path, e.g. `gateway.modbus.devices[0].port`; empty for the whole file. */
  path: string;
  /** The full human line, e.g. `gateway.http.port: expected integer 0–65535, got "abc" (from env OUTPOST_GATEWAY_HTTP_PORT)`. */
  message: string;
  expected: string;
  value?: unknown;
  /** `file <path>`, `env <NAME>`, `--set <path>`, `override` or `default`. */
  source?: string;
}

/**
 * A configuration that cannot be used. Carries every issue found, not just the first, so one run
 * shows everything to fix. Code ERR_CONFIG_INVALID (schema or rule) or ERR_CONFIG_FILE (unreadable file).
 */
export class ConfigError extends OutpostError {
  readonly issues: ConfigIssue[];

  constructor(code: 'ERR_CONFIG_INVALID' | 'ERR_CONFIG_FILE', issues: ConfigIssue[], options?: { cause?: unknown }) {
    super(code, summarise(code, issues), { issues: issues.map(({ path, expected, value, source }) => ({ path, expected, value, source })) }, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

function summarise(code: string, issues: ConfigIssue[]): string {
  const first = issues[0];
  if (issues.length === 1 && first) return first.message;
  const what = code === 'ERR_CONFIG_FILE' ? 'configuration file problems' : 'invalid configuration';
  return `${what} (${issues.length} problems):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`;
}

/** A value as it appears in a message: JSON, shortened. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function issue(path: string, expected: string, value: unknown, source: string | undefined, problem?: string): ConfigIssue {
  const body = problem ?? `expected ${expected}, got ${show(value)}`;
  // Path '' is the file as a whole (file errors), whose message already says where.
  const message = `${path === '' ? '' : `${path}: `}${body}${source ? ` (from ${source})` : ''}`;
  return { path, message, expected, value, ...(source ? { source } : {}) };
}
