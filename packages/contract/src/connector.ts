/**
 * Connector lifecycle, as explicit states. Every source (MQTT, HTTP, Modbus, …) reports the
 * same states through `onStatus`, so health, logs and the dashboard treat them alike.
 */
export type ConnectorState = 'idle' | 'connecting' | 'running' | 'degraded' | 'stopped' | 'failed';

export interface ConnectorStatus {
  state: ConnectorState;
  /** Last error message, when degraded or failed. */
  error?: string;
  /** Connector-specific facts: bound address, broker url, poll counts… */
  info?: Record<string, unknown>;
}

export interface Source {
  readonly kind: string;
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ConnectorStatus;
}
