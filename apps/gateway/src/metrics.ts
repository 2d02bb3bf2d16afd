import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayStatus } from './gateway.js';

/** Prometheus metrics, read from the gateway's counters at scrape time (no work on the hot path). */
export function createGatewayMetrics(status: () => GatewayStatus): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'outpost_gateway_' });
  new Gauge({
    name: 'outpost_gateway_points_accepted_total', help: 'Points committed to the local store', registers: [registry],
    collect() { this.set(status().ingest.accepted); },
  });
  new Gauge({
    name: 'outpost_gateway_points_rejected_total', help: 'Points and inputs rejected, by reason', labelNames: ['reason'], registers: [registry],
    collect() { for (const [reason, n] of Object.entries(status().ingest.rejected)) this.set({ reason }, n ?? 0); },
  });
  new Gauge({
    name: 'outpost_gateway_store_used_bytes', help: 'Bytes in live pages of the local store', registers: [registry],
    collect() { this.set(status().store.usedBytes); },
  });
  new Gauge({
    name: 'outpost_gateway_commit_failures_total', help: 'Group commits the store refused (full disk, I/O error)', registers: [registry],
    collect() { this.set(status().ingest.commitFailures); },
  });
  return registry;
}
