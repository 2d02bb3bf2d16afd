/**
 * A running pipeline that can be replaced while it runs. Calls are serialised: a swap waits for
 * the batch in flight, so no point is lost, and nodes whose kind, version and config are
 * unchanged keep their instance — and with it their open windows and remembered values.
 */
import type { Point } from '@outpost/contract';
import { compilePipeline, compilePipelineAsync, type CompileOptions } from '../compiler/compile.js';
import type { BatchResult, Executor } from './executor.js';

export class LivePipeline {
  private executor: Executor;
  private chain: Promise<unknown> = Promise.resolve();

  /** Compiles synchronously; nodes with async setup (scripts, models) finish it before their first batch. */
  constructor(doc: unknown, private readonly opts: CompileOptions, executor?: Executor) {
    this.executor = executor ?? compilePipeline(doc, opts);
  }

  /** Compile and wait for async setup, so a sandbox or model that cannot start fails here, listed with the rest. */
  static async start(doc: unknown, opts: CompileOptions): Promise<LivePipeline> {
    return new LivePipeline(doc, opts, await compilePipelineAsync(doc, opts));
  }

  get current(): Executor { return this.executor; }

  process(points: readonly Point[]): Promise<BatchResult> {
    return this.enqueue(() => this.executor.process(points));
  }

  tick(now?: number): Promise<BatchResult> {
    return this.enqueue(() => this.executor.tick(now));
  }

  flush(): Promise<BatchResult> {
    return this.enqueue(() => this.executor.flush());
  }

  /**
   * Compile `doc` and switch to it between batches. On a compile error the old executor keeps
   * running and the error (listing every problem) is thrown. Returns the ids of nodes that kept state.
   */
  replace(doc: unknown): Promise<string[]> {
    return this.enqueue(async () => {
      const next = await compilePipelineAsync(doc, { ...this.opts, reuse: this.executor });
      const kept = next.nodes.filter((n) => this.executor.nodes.some((o) => o.instance === n.instance)).map((n) => n.node.id);
      this.executor = next;
      return kept;
    });
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
