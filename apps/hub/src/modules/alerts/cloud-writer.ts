import type { Logger } from '@outpost/contract';
import type { AlertSnapshot, HubDeliveryEntry, HubStore } from '@outpost/storage/hub/index';

type Item = { orgId: string; alert: { id: string; snap: AlertSnapshot; at: number } } | { orgId: string; delivery: HubDeliveryEntry };

/** Most items written in one round (one transaction per organisation and kind). */
const BATCH = 500;

/**
 * Writes cloud alert changes and delivery-log rows in the order the engines produced them, in
 * batches: what arrives while a write runs goes together into the next one, so an alert storm
 * costs a transaction per round rather than one per change.
 */
export class CloudAlertWriter {
  private pending: Item[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly store: HubStore, private readonly log: Logger) {}

  alert(orgId: string, id: string, snap: AlertSnapshot, at: number): void { this.push({ orgId, alert: { id, snap, at } }); }

  delivery(orgId: string, entry: HubDeliveryEntry): void { this.push({ orgId, delivery: entry }); }

  /** Resolves once everything pushed so far is written (or failed and logged). */
  flushed(): Promise<void> { return this.running ?? Promise.resolve(); }

  private push(item: Item): void {
    this.pending.push(item);
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, BATCH);
      for (const orgId of new Set(batch.map((b) => b.orgId))) {
        const mine = batch.filter((b) => b.orgId === orgId);
        const alerts = mine.flatMap((b) => ('alert' in b ? [b.alert] : []));
        const deliveries = mine.flatMap((b) => ('delivery' in b ? [b.delivery] : []));
        try {
          if (alerts.length) await this.store.alerts.saveCloudMany(orgId, alerts);
          if (deliveries.length) await this.store.alerts.recordDeliveries(orgId, deliveries);
        } catch (err) {
          this.log.error({ err, orgId, alerts: alerts.length, deliveries: deliveries.length }, 'writing cloud alert changes failed');
        }
      }
    }
    this.running = undefined;
  }
}
