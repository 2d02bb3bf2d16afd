import type { EngineErrorRecord, WebhookSink } from '@outpost/engine';

/** Webhook posts in flight at once; past it items are dead-lettered rather than queued without bound. */
export const MAX_WEBHOOKS_IN_FLIGHT = 100;

export interface WebhookSinkOptions {
  timeoutMs: number;
  /** Items that could not be posted (a failed or refused post), as `ERR_ENGINE_SINK` records. */
  deadLetter(errors: EngineErrorRecord[]): void;
  maxInFlight?: number;
}

export interface HostWebhookSink {
  sink: WebhookSink;
  stats(): { webhookPosts: number; webhookFailures: number };
  /** Abort posts still waiting on a slow endpoint (they are dead-lettered) and wait for them to settle. */
  close(reason: string): Promise<void>;
}

/**
 * The `webhook` node's host sink, shared by the gateway and the hub: `POST { pipelineId, nodeId,
 * items }` with the node's headers, in the background so a slow endpoint never stalls the
 * pipeline, bounded in posts in flight; a failed post dead-letters its items.
 */
export function createWebhookSink(o: WebhookSinkOptions): HostWebhookSink {
  const max = o.maxInFlight ?? MAX_WEBHOOKS_IN_FLIGHT;
  const counts = { webhookPosts: 0, webhookFailures: 0 };
  const pending = new Set<Promise<unknown>>();
  const closing = new AbortController();
  let inFlight = 0;
  const fail = (meta: { pipelineId: string; nodeId: string }, items: readonly unknown[], why: string) => {
    counts.webhookFailures++;
    o.deadLetter(items.map((item) => ({ nodeId: meta.nodeId, code: 'ERR_ENGINE_SINK', message: `pipeline '${meta.pipelineId}' node '${meta.nodeId}': ${why}`, item })));
  };
  const sink: WebhookSink = {
    post(url, items, meta) {
      if (inFlight >= max) return fail(meta, items, `${max} webhook posts already in flight to slow endpoints; not posted to ${url}`);
      counts.webhookPosts++;
      inFlight++;
      const p = fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...meta.headers },
        body: JSON.stringify({ pipelineId: meta.pipelineId, nodeId: meta.nodeId, items }),
        signal: AbortSignal.any([AbortSignal.timeout(o.timeoutMs), closing.signal]),
      }).then((res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return res.arrayBuffer();
      }).catch((e: unknown) => fail(meta, items, `webhook POST ${url} failed: ${(e as Error).message}`))
        .finally(() => { inFlight--; pending.delete(p); });
      pending.add(p);
    },
  };
  return {
    sink,
    stats: () => ({ ...counts }),
    async close(reason) {
      closing.abort(new Error(reason));
      await Promise.allSettled([...pending]);
    },
  };
}
