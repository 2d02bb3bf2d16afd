import type { ConnectorState, ConnectorStatus } from '@outpost/contract';

/**
 * A connector's lifecycle state with change notification: idle → connecting → running ⇄ degraded
 * → stopped, or failed. `onStatus` fires on state changes only, not on every message.
 */
export class SourceState {
  private state: ConnectorState = 'idle';
  private error: string | undefined;

  constructor(private readonly onStatus?: (status: ConnectorStatus) => void) {}

  get current(): ConnectorState {
    return this.state;
  }

  set(state: ConnectorState, error?: unknown): void {
    const message = error === undefined ? undefined : error instanceof Error ? error.message : String(error);
    if (state === this.state && message === this.error) return;
    this.state = state;
    this.error = message;
    this.onStatus?.(this.status());
  }

  /** A message went through: a degraded connector is running again. */
  healthy(): void {
    if (this.state === 'degraded') this.set('running');
  }

  /** A message was refused (store full, write error): still serving, but not well. */
  degraded(error: unknown): void {
    if (this.state === 'running' || this.state === 'degraded') this.set('degraded', error);
  }

  status(info?: Record<string, unknown>): ConnectorStatus {
    const s: ConnectorStatus = { state: this.state };
    if (this.error !== undefined) s.error = this.error;
    if (info !== undefined) s.info = info;
    return s;
  }
}
