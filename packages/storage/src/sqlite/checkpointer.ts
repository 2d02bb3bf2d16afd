import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

/**
 * Runs WAL checkpoints on a worker thread with its own connection. SQLite's automatic checkpoint
 * runs inside whichever commit crosses the threshold and, with synchronous=full, fsyncs the
 * database file there: a periodic stall of tens of milliseconds on the ingest path. A PASSIVE
 * checkpoint from another connection never blocks writers, and on its own thread it never blocks
 * the event loop. If the worker dies, the store falls back to SQLite's automatic checkpoints.
 */
export interface Checkpointer {
  stop(): Promise<void>;
  readonly running: boolean;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage({ error: String(e && e.message || e) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); parentPort.close(); } });
`;

export function startCheckpointer(path: string, intervalMs: number, onFailure: (why: string) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs, driver } });
  let running = true;
  worker.unref();
  worker.on('message', (m: { error?: string }) => { if (m.error) onFailure(m.error); });
  worker.on('error', (e) => { running = false; onFailure(e.message); });
  worker.on('exit', (code) => { if (running && code !== 0) onFailure(`checkpoint worker exited with ${code}`); running = false; });
  return {
    get running() { return running; },
    stop: () => new Promise<void>((resolve) => {
      if (!running) return resolve();
      running = false;
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
      setTimeout(() => { void worker.terminate(); }, 2000).unref();
    }),
  };
}
