/**
 * Hands items to a host sink and turns a sink failure into an error-path record for every item,
 * so a failed hand-off is visible (and dead-lettered by the host) rather than silently lost.
 */
import { OutpostError } from '@outpost/contract';
import type { NodeIO } from '@outpost/engine';

export async function handOff(io: NodeIO, nodeId: string, what: string, items: readonly unknown[], call: () => void | Promise<void>): Promise<void> {
  try {
    await call();
  } catch (e) {
    const err = new OutpostError('ERR_ENGINE_SINK', `node '${nodeId}': ${what} failed: ${(e as Error)?.message ?? String(e)}`, { count: items.length });
    for (const item of items) io.error(err, item);
  }
}
