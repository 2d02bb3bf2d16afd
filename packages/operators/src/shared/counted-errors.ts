/**
 * Errors that can hit many points at once (late data, key cap) are reported once per batch and
 * code — with the count and the first few offending points — so a flood of bad points cannot
 * itself flood memory. Counters in the node's stats keep the running totals.
 */
import { OutpostError, type ErrorCode } from '@outpost/contract';
import type { NodeIO } from '@outpost/engine';

const EXAMPLES = 10;

export class CountedErrors {
  private readonly pending = new Map<ErrorCode, { message: string; count: number; examples: unknown[] }>();

  add(code: ErrorCode, message: string, item: unknown): void {
    const e = this.pending.get(code);
    if (!e) { this.pending.set(code, { message, count: 1, examples: [item] }); return; }
    e.count++;
    if (e.examples.length < EXAMPLES) e.examples.push(item);
  }

  /** Report what was collected in this call to the error path and reset. */
  report(io: NodeIO): void {
    for (const [code, e] of this.pending) {
      const more = e.count > 1 ? ` (${e.count} points in this batch; first ${e.examples.length} attached)` : '';
      io.error(new OutpostError(code, `${e.message}${more}`, { count: e.count, examples: e.examples }), e.examples[0]);
    }
    this.pending.clear();
  }
}
