import type { ModelsDb } from './db.js';

const DAY = 86_400_000;

/** Accuracy of a version on labelled predictions: share of exact matches (classes), and MAE for numeric outputs. */
export interface Accuracy { version: number; labelled: number; accuracy: number; mae: number }

/**
 * Predictions kept for ground truth: the inference API stores a prediction only when the caller
 * gives its input an id, and ground-truth labels posted later are matched by that id.
 */
export class GroundTruth {
  constructor(private readonly db: ModelsDb) {}

  async keep(orgId: string, name: string, version: number, items: readonly { id: string; prediction: number; score: number }[], at: number): Promise<void> {
    if (items.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      // A re-used id is a new prediction: the old one (and its label) is replaced.
      for (let i = 0; i < items.length; i += 500) {
        const chunk = items.slice(i, i + 500);
        await trx.deleteFrom('model_predictions').where('org_id', '=', orgId).where('name', '=', name).where('id', 'in', chunk.map((x) => x.id)).execute();
        await trx.insertInto('model_predictions').values(chunk.map((x) => ({
          org_id: orgId, name, id: x.id, version, prediction: Number.isFinite(x.prediction) ? x.prediction : 0, score: Number.isFinite(x.score) ? x.score : 0, label: null, at, labelled_at: null,
        }))).execute();
      }
    });
  }

  /** Sets labels; returns the ids that matched no stored prediction. */
  async label(orgId: string, name: string, labels: readonly { id: string; label: number }[], at: number): Promise<{ matched: number; unknown: string[] }> {
    const unknown: string[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const l of labels) {
        const r = await trx.updateTable('model_predictions').set({ label: l.label, labelled_at: at }).where('org_id', '=', orgId).where('name', '=', name).where('id', '=', l.id).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) unknown.push(l.id);
      }
    });
    return { matched: labels.length - unknown.length, unknown };
  }

  async accuracy(orgId: string, name: string, range: { from: number; to: number }): Promise<Accuracy[]> {
    return (await this.grouped(orgId, name, range, false)).map(({ day: _day, ...a }) => a);
  }

  /** Accuracy per version and UTC day of the prediction (for history charts), oldest first. */
  async accuracyByDay(orgId: string, name: string, range: { from: number; to: number }): Promise<(Accuracy & { day: string })[]> {
    return this.grouped(orgId, name, range, true);
  }

  private async grouped(orgId: string, name: string, range: { from: number; to: number }, byDay: boolean): Promise<(Accuracy & { day: string })[]> {
    const rows = await this.db.selectFrom('model_predictions').select(['version', 'prediction', 'label', 'at']).where('org_id', '=', orgId).where('name', '=', name)
      .where('label', 'is not', null).where('at', '>=', range.from).where('at', '<', range.to).execute();
    const by = new Map<string, { version: number; day: string; n: number; hits: number; abs: number }>();
    for (const r of rows) {
      const version = Number(r.version);
      const day = byDay ? new Date(Math.floor(Number(r.at) / DAY) * DAY).toISOString().slice(0, 10) : '';
      const k = `${day}|${String(version).padStart(10, '0')}`;
      const g = by.get(k) ?? { version, day, n: 0, hits: 0, abs: 0 };
      g.n++;
      if (Number(r.prediction) === Number(r.label)) g.hits++;
      g.abs += Math.abs(Number(r.prediction) - Number(r.label));
      by.set(k, g);
    }
    return [...by].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, g]) => ({ version: g.version, day: g.day, labelled: g.n, accuracy: g.hits / g.n, mae: g.abs / g.n }));
  }
}
