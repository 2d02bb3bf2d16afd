import type { PipelineDiff, PipelineTrace, TestResult } from '@outpost/engine';
import type { PipelineTestResponse } from '@outpost/operators/pipelines/test-request';

const SAMPLE = 5;
const j = (v: unknown) => JSON.stringify(v);
const ports = (p: Record<string, { count: number }>) => Object.entries(p).map(([k, v]) => `${k}:${v.count}`).join(' ') || '-';

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** The per-node trace as a table, each node's errors (with the point that caused them) under it. */
export function renderTrace(trace: PipelineTrace): string {
  const lines: string[] = [`pipeline ${trace.pipelineId}: ${trace.points} point(s) in ${trace.durationMs.toFixed(2)} ms${trace.truncated ? ' (samples truncated)' : ''}`];
  const rows = [['node', 'kind', 'in', 'out', 'errors', 'ms']];
  const errorLines = new Map<string, string[]>();
  for (const n of trace.nodes) {
    rows.push([n.id, `${n.kind}@${n.typeVersion}`, ports(n.in), ports(n.out), String(n.errorCount), n.durationMs.toFixed(2)]);
    errorLines.set(n.id, n.errors.slice(0, SAMPLE).map((e) => `    ! ${e.code}: ${e.message}${e.item !== undefined ? `\n      point: ${j(e.item)}` : ''}`));
  }
  const table = pad(rows).split('\n');
  lines.push(`  ${table[0]}`);
  trace.nodes.forEach((n, i) => {
    lines.push(`  ${table[i + 1]}`);
    lines.push(...errorLines.get(n.id)!);
    if (n.errorCount > SAMPLE) lines.push(`    … ${n.errorCount - SAMPLE} more error(s)`);
  });
  return lines.join('\n');
}

export function renderOutputs(result: TestResult): string {
  const entries = Object.entries(result.outputs);
  if (entries.length === 0) return 'outputs: none';
  const lines = ['outputs:'];
  for (const [id, o] of entries) {
    lines.push(`  ${id} (${o.kind} → ${o.targets.join(', ')}): ${o.items.length} item(s)`);
    for (const item of o.items.slice(0, SAMPLE)) lines.push(`    ${j(item)}`);
    if (o.items.length > SAMPLE) lines.push(`    … ${o.items.length - SAMPLE} more`);
  }
  return lines.join('\n');
}

export function renderDiff(d: PipelineDiff): string {
  if (d.equal) return `no differences: both pipelines give the same outputs (${d.a.errors.length} error(s) each)`;
  const lines = [`${d.outputs.length} output(s) differ:`];
  for (const o of d.outputs) {
    lines.push(`  ${o.nodeId}: ${o.status} (a: ${o.countA} item(s), b: ${o.countB})`);
    for (const i of o.onlyInA.slice(0, SAMPLE)) lines.push(`    - ${j(i)}`);
    if (o.onlyInA.length > SAMPLE) lines.push(`    - … ${o.onlyInA.length - SAMPLE} more only in a`);
    for (const i of o.onlyInB.slice(0, SAMPLE)) lines.push(`    + ${j(i)}`);
    if (o.onlyInB.length > SAMPLE) lines.push(`    + … ${o.onlyInB.length - SAMPLE} more only in b`);
  }
  if (d.a.errors.length !== d.b.errors.length) lines.push(`  errors: a ${d.a.errors.length}, b ${d.b.errors.length}`);
  return lines.join('\n');
}

/** Human-readable report of a test or diff response. */
export function renderTestResponse(r: PipelineTestResponse): string {
  if (r.mode === 'diff') return `${renderDiff(r.diff)}\n`;
  const parts = [renderOutputs(r.result)];
  if (r.result.trace) parts.push(renderTrace(r.result.trace));
  parts.push(`errors: ${r.result.errors.length}`);
  return `${parts.join('\n\n')}\n`;
}
