import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints on a worker thread with its own connection. SQLite's automatic checkpoint runs
 * inside whichever commit crosses the threshold and, with synchronous=full, fsyncs the database
 * file there: a stall of tens of milliseconds on the ingest path every few thousand commits,
 * which is most of the commit latency's p99. A PASSIVE checkpoint from another connection never
 * blocks writers, and on its own thread it never blocks the event loop.
 *
 * Shutdown is cooperative, never `worker.terminate()`: terminating a thread while it is inside
 * SQLite can abort the whole process. `stop()` asks the worker to finish; a message is only
 * handled between two checkpoints, so the worker closes its connection and exits on its own.
 */
export interface Checkpointer {
  /** Resolves once the worker has closed its connection and exited. */
  stop(): Promise<void>;
  readonly running: boolean;
}

export interface CheckpointerOptions {
  path: string;
  /** Time between checkpoints, ms. */
  intervalMs: number;
  /** Called once if the worker fails; the store then returns to SQLite's automatic checkpoints. */
  onFailure: (why: string) => void;
}

// Evaluated as CommonJS source, so the bundled `outpost` needs no separate worker file; the
// SQLite driver's path comes from the main thread, which resolved it as its own import does.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
let timer;
const tick = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); }
  catch (e) { parentPort.postMessage({ error: String((e && e.message) || e) }); }
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.postMessage({ ready: true });
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(opts: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: opts.path, intervalMs: opts.intervalMs, driver } });
  let running = true;
  let failed = false;
  const fail = (why: string) => {
    if (failed) return;
    failed = true;
    opts.onFailure(why);
  };
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (running && code !== 0) fail(`checkpoint worker exited with code ${code}`);
      running = false;
      resolve();
    });
  });
  worker.on('message', (m: { error?: string }) => { if (m.error) fail(m.error); });
  worker.on('error', (e) => fail(e.message));
  return {
    get running() { return running; },
    stop: () => {
      if (running) {
        running = false;
        worker.postMessage('stop');
      }
      return exited;
    },
  };
}
