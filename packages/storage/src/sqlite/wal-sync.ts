import { close, fdatasync, openSync } from 'node:fs';

export type FdatasyncFn = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void;

/**
 * Makes WAL commits durable off the event loop. The store commits with synchronous=NORMAL (the
 * WAL frames reach the OS, no sync), then asks for `durable()`: one fdatasync of the WAL file on
 * libuv's thread pool covers every commit written before it started, and commits that arrive
 * while one runs share the next. An acknowledged point is then on disk exactly as with
 * synchronous=FULL (which syncs the same file inside the commit), but the disk's latency no
 * longer stalls decoding, rules and actions.
 */
export class WalSync {
  private fd: number | undefined;
  private running = false;
  /** Waiting for a sync that starts after their commit. */
  private next: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private idleWaiters: (() => void)[] = [];
  private failure: Error | undefined;
  private closed = false;
  syncs = 0;

  constructor(private readonly walPath: string, private readonly sync: FdatasyncFn = fdatasync) {}

  /** The first failed sync, if any: after it nothing written since can be trusted to be on disk. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Resolves once everything committed before this call is on disk. */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.next.push({ resolve, reject });
      if (!this.running) this.start();
    });
  }

  /** Resolves when no sync is running or waiting. */
  idle(): Promise<void> {
    if (!this.running && this.next.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Close the WAL file handle once the running sync (if any) is done. */
  close(): void {
    this.closed = true;
    if (!this.running) this.release();
  }

  private start(): void {
    const batch = this.next;
    this.next = [];
    if (this.fd === undefined) {
      try {
        // Opened on first use: the WAL file exists once the first commit has written it.
        this.fd = openSync(this.walPath, 'r');
      } catch (e) {
        return this.finish(batch, e as NodeJS.ErrnoException);
      }
    }
    this.running = true;
    this.syncs++;
    this.sync(this.fd, (err) => {
      this.running = false;
      this.finish(batch, err);
    });
  }

  private finish(batch: { resolve: () => void; reject: (e: Error) => void }[], err: NodeJS.ErrnoException | null): void {
    if (err && !this.failure) {
      // After a failed fsync the kernel may drop the dirty pages and report later syncs as
      // successful, so a failure is permanent: the store refuses writes until restarted.
      this.failure = new Error(`fdatasync of ${this.walPath} failed (${err.code ?? err.message}); commits since the last successful sync may not be on disk`, { cause: err });
    }
    for (const w of batch) {
      if (this.failure) w.reject(this.failure);
      else w.resolve();
    }
    if (this.next.length > 0) {
      if (this.failure) this.finish(this.next.splice(0), null);
      else return this.start();
    }
    if (this.closed) this.release();
    for (const r of this.idleWaiters.splice(0)) r();
  }

  private release(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    close(fd, () => undefined);
  }
}
