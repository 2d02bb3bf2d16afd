import { sql } from 'kysely';
import type { MlDb } from '../training/db.js';

export interface AnomalyScore { device: string; metric: string; ts: number; score: number; label: string; explanation: string; model: string }

/** Rows per INSERT (9 columns): under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

/** Anomaly scores per (device, metric, time), one row per scored window; a re-score replaces the row. */
export class AnomalyRepo {
  constructor(private readonly db: MlDb) {}

  async write(orgId: string, rows: readonly AnomalyScore[], at: number): Promise<number> {
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const values = rows.slice(i, i + CHUNK).map((r) => ({ org_id: orgId, device_id: r.device, metric: r.metric, ts: r.ts, score: r.score, label: r.label, explanation: r.explanation, model: r.model, created_at: at }));
        await trx.insertInto('anomaly_scores').values(values).onConflict((oc) => oc.columns(['org_id', 'device_id', 'metric', 'ts']).doUpdateSet({
          score: sql`excluded.score`, label: sql`excluded.label`, explanation: sql`excluded.explanation`, model: sql`excluded.model`, created_at: sql`excluded.created_at`,
        })).execute();
      }
    });
    return rows.length;
  }

  async query(orgId: string, q: { device?: string; metric?: string; from: number; to: number; minScore: number; limit: number }): Promise<AnomalyScore[]> {
    let s = this.db.selectFrom('anomaly_scores').selectAll().where('org_id', '=', orgId).where('ts', '>=', q.from).where('ts', '<', q.to).where('score', '>=', q.minScore);
    if (q.device !== undefined) s = s.where('device_id', '=', q.device);
    if (q.metric !== undefined) s = s.where('metric', '=', q.metric);
    const rows = await s.orderBy('ts').orderBy('device_id').orderBy('metric').limit(q.limit).execute();
    return rows.map((r) => ({ device: r.device_id, metric: r.metric, ts: Number(r.ts), score: Number(r.score), label: r.label, explanation: r.explanation, model: r.model }));
  }
}
