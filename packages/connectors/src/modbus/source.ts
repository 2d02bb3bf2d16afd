/**
 * The Modbus TCP source: one poller per configured device, reported through the contract's
 * Source lifecycle. `running` when every device is connected and its last poll had no gap;
 * `degraded` (with the last error) otherwise; `stopped` after stop().
 */
import { silentLogger, type ConnectorStatus, type Ingestor, type Logger, type Source } from '@outpost/contract';
import { parseModbusConfig, type ModbusConfig, type ModbusConfigInput } from './config.js';
import { ModbusDevicePoller, type DevicePollerStats } from './device-poller.js';

export interface ModbusSourceOptions {
  /** Register map; validated here (throws ERR_CONFIG_INVALID) unless already parsed. */
  config: ModbusConfig | ModbusConfigInput;
  ingestor: Ingestor;
  name?: string;
  /** Clock for point timestamps (epoch ms). */
  now?: () => number;
  /** Random source for backoff jitter. */
  random?: () => number;
  /** Status changes (connect, disconnect, error, recovery). */
  onStatus?: (status: ConnectorStatus) => void;
  logger?: Logger;
}

export interface ModbusSource extends Source {
  readonly kind: 'modbus';
  /** Per-device counters, keyed by device id. */
  stats(): Record<string, DevicePollerStats>;
}

export function createModbusSource(opts: ModbusSourceOptions): ModbusSource {
  const config = parseModbusConfig(opts.config);
  const now = opts.now ?? Date.now;
  let state: 'idle' | 'connecting' | 'started' | 'stopped' = 'idle';
  let lastReported = '';
  const report = () => {
    if (!opts.onStatus) return;
    const s = status();
    const key = `${s.state}|${s.error ?? ''}`;
    if (key !== lastReported) { lastReported = key; opts.onStatus(s); }
  };
  const pollers = config.devices.map((device) => new ModbusDevicePoller({
    device, backoff: config.backoff, ingestor: opts.ingestor, now, random: opts.random ?? Math.random, onChange: report, logger: opts.logger ?? silentLogger,
  }));

  function stats(): Record<string, DevicePollerStats> {
    return Object.fromEntries(pollers.map((p) => [p.name, { ...p.stats }]));
  }

  function status(): ConnectorStatus {
    const info = { devices: stats() };
    if (state === 'idle') return { state: 'idle', info };
    if (state === 'stopped') return { state: 'stopped', info };
    if (state === 'connecting') return { state: 'connecting', info };
    const unhealthy = pollers.filter((p) => !(p.stats.connected && p.healthy));
    if (unhealthy.length === 0) return { state: 'running', info };
    const worst = unhealthy.sort((a, b) => (b.stats.lastErrorAt ?? 0) - (a.stats.lastErrorAt ?? 0))[0]!;
    return { state: 'degraded', error: `${worst.name}: ${worst.stats.lastError ?? 'no successful poll yet'}`, info };
  }

  return {
    kind: 'modbus',
    name: opts.name ?? 'modbus',
    async start() {
      if (state === 'started' || state === 'connecting') return;
      state = 'connecting';
      report();
      // A device that is down does not fail start(): it is reported degraded and retried.
      await Promise.all(pollers.map((p) => p.start()));
      state = 'started';
      report();
    },
    async stop() {
      await Promise.all(pollers.map((p) => p.stop()));
      state = 'stopped';
      report();
    },
    status,
    stats,
  };
}
