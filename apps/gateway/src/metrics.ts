import type { Registry } from 'prom-client';
import { lazyRequire } from '@outpost/contract/lazy';
import type { GatewayStatus } from './gateway.js';

const loadPromClient = lazyRequire<typeof import('prom-client')>(import.meta.url, 'prom-client');

/**
 * Prometheus metrics, read from the gateway's counters at scrape time (no work on the hot path).
 * The registry (and prom-client, ~10 MiB resident) is created by the first scrape of /metrics, so
 * a gateway nobody scrapes does not carry it; process metrics start counting from that scrape.
 */
export function lazyGatewayMetrics(status: () => GatewayStatus): () => Registry {
  let registry: Registry | undefined;
  return () => (registry ??= createGatewayMetrics(status));
}

function createGatewayMetrics(status: () => GatewayStatus): Registry {
  const { Gauge, Registry, collectDefaultMetrics } = loadPromClient();
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
