import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';

/**
 * Autocompletion of the sandbox's `process(data, context)` API (docs/sandbox.md): the members of
 * `context` and of `context.state` / `context.log`, the fields of a point, and a `process` skeleton.
 */
const CONTEXT: Completion[] = [
  { label: 'device', type: 'property', info: "the device's metadata as given by the host ({ id, … })" },
  { label: 'metrics', type: 'property', info: 'metric metadata by metric name (unit, min, max, description, …)' },
  { label: 'config', type: 'property', info: "the script's configuration values (frozen in JavaScript)" },
  { label: 'previous', type: 'method', detail: '(metric, device)', info: 'the last {ts, value} seen before this call for that device and metric' },
  { label: 'state', type: 'property', info: 'per-script key-value store: get, set, delete, has, keys (JSON values)' },
  { label: 'log', type: 'property', info: 'debug/info/warn/error(...); at most 100 lines per call' },
];
const STATE: Completion[] = ['get', 'set', 'delete', 'has', 'keys'].map((m) => ({ label: m, type: 'method', info: `context.state.${m}` }));
const LOG: Completion[] = ['debug', 'info', 'warn', 'error'].map((m) => ({ label: m, type: 'method', info: `context.log.${m}(...)` }));
const POINT: Completion[] = [
  { label: 'device', type: 'property', info: 'device id' },
  { label: 'metric', type: 'property', info: 'metric name' },
  { label: 'ts', type: 'property', info: 'epoch milliseconds' },
  { label: 'value', type: 'property', info: 'number, string, boolean or null' },
  { label: 'unit', type: 'property' },
  { label: 'quality', type: 'property', info: 'good, uncertain or bad' },
  { label: 'tags', type: 'property', info: 'object of strings' },
];
const SKELETON: Record<'javascript' | 'python', Completion> = {
  javascript: { label: 'process', type: 'function', detail: '(data, context)', apply: 'function process(data, context) {\n  return data;\n}', info: 'data is one point or an array of points; return a point, an array, or nothing to drop' },
  python: { label: 'process', type: 'function', detail: '(data, context)', apply: 'def process(data, context):\n    return data', info: 'data is one point or a list of points; return a point, a list, or None to drop' },
};

export function processCompletions(language: 'javascript' | 'python') {
  return (ctx: CompletionContext): CompletionResult | null => {
    const member = ctx.matchBefore(/[A-Za-z_][\w.]*\.\w*$/);
    if (member) {
      const dot = member.text.lastIndexOf('.');
      const target = member.text.slice(0, dot);
      const options = target === 'context' ? CONTEXT : target === 'context.state' ? STATE : target === 'context.log' ? LOG
        : /^(data|p|point|x)$/.test(target) || /\]$/.test(target) ? POINT : null;
      return options ? { from: member.from + dot + 1, options, validFor: /^\w*$/ } : null;
    }
    const key = ctx.matchBefore(/\[['"]\w*$/);
    if (key) return { from: key.from + 2, options: POINT, validFor: /^\w*$/ };
    const word = ctx.matchBefore(/\w+$/);
    if (!word && !ctx.explicit) return null;
    return { from: word?.from ?? ctx.pos, options: [SKELETON[language], { label: 'context', type: 'variable' }, { label: 'data', type: 'variable' }] };
  };
}
