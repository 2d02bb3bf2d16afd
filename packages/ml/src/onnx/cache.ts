import { OutpostError } from '@outpost/contract';

interface Entry<T> { value: Promise<T>; bytes: number; users: number; evicted: boolean }

/**
 * Loaded models kept in memory, least recently used first out, within a byte budget. A model
 * in use by a running call is released only when that call ends, so swapping or evicting a model
 * never pulls it from under a request.
 */
export class ModelCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private used = 0;

  constructor(private readonly budgetBytes: number, private readonly dispose: (value: T) => void | Promise<void>) {}

  /** Runs `fn` with the model under `key`, loading it (once, even for concurrent callers) when absent. */
  async use<R>(key: string, bytes: number, load: () => Promise<T>, fn: (value: T) => Promise<R>): Promise<R> {
    let e = this.entries.get(key);
    if (e) {
      this.entries.delete(key); // re-insert: Map order is the recency order
      this.entries.set(key, e);
    } else {
      if (bytes > this.budgetBytes) throw new OutpostError('ERR_MODEL_TOO_LARGE', `model ${key} needs about ${bytes} bytes in memory; the model cache budget is ${this.budgetBytes} bytes`);
      e = { value: load(), bytes, users: 0, evicted: false };
      this.entries.set(key, e);
      this.used += bytes;
      const entry = e;
      entry.value.catch(() => { if (this.entries.get(key) === entry) this.remove(key, entry); });
      this.evictOver(key);
    }
    e.users++;
    try {
      return await fn(await e.value);
    } finally {
      e.users--;
      if (e.evicted && e.users === 0) void this.release(e);
    }
  }

  /** Drops a model (a new version replaced it, or it was deleted); in-flight calls finish first. */
  invalidate(key: string): void {
    const e = this.entries.get(key);
    if (e) this.remove(key, e);
  }

  stats(): { models: number; bytes: number; budgetBytes: number } {
    return { models: this.entries.size, bytes: this.used, budgetBytes: this.budgetBytes };
  }

  async clear(): Promise<void> {
    for (const [k, e] of [...this.entries]) this.remove(k, e);
  }

  private evictOver(keep: string): void {
    for (const [k, e] of this.entries) {
      if (this.used <= this.budgetBytes) return;
      if (k !== keep) this.remove(k, e);
    }
  }

  private remove(key: string, e: Entry<T>): void {
    this.entries.delete(key);
    this.used -= e.bytes;
    e.evicted = true;
    if (e.users === 0) void this.release(e);
  }

  private async release(e: Entry<T>): Promise<void> {
    try { await this.dispose(await e.value); } catch { /* a model that failed to load has nothing to release */ }
  }
}
