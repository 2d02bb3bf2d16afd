/**
 * Polls one Modbus TCP device on a fixed interval and hands its readings to the ingestor.
 *
 * Failure handling is the point of this file: a Modbus exception (e.g. illegal address) turns
 * the affected metrics into gap points (value null, quality 'bad') and keeps the connection; a
 * transport error (timeout, reset, refused) gaps every metric and reconnects with backoff. While
 * disconnected, each missed poll is recorded as a gap, so the store shows the outage. Nothing
 * here throws out of a timer.
 */
import type ModbusSerial from 'modbus-serial';
import { lazyRequire } from '@outpost/contract/lazy';
import type { Ingestor, Logger, PointCandidate } from '@outpost/contract';
import { applyScale, decodeRegisters, registerWidth } from './codec.js';
import type { BackoffConfig, ModbusDevice, ModbusRegister } from './config.js';
import { Backoff } from './backoff.js';
import { planReads, splitBlock, isBitTable, type ReadBlock } from './plan.js';

/** Modbus exception 0x02: the server does not have (all of) the requested addresses. */
const ILLEGAL_DATA_ADDRESS = 2;

export interface DevicePollerStats {
  connected: boolean;
  polls: number;
  points: number;
  gaps: number;
  readErrors: number;
  connects: number;
  connectFailures: number;
  ingestErrors: number;
  /** Requests per poll after coalescing. */
  requestsPerPoll: number;
  lastPollAt?: number;
  lastError?: string;
  lastErrorAt?: number;
  /** Delay chosen for the pending reconnect, ms. */
  nextReconnectMs?: number;
}

export interface DevicePollerOptions {
  device: ModbusDevice;
  backoff: BackoffConfig;
  ingestor: Ingestor;
  now: () => number;
  random: () => number;
  /** Called on every change worth reporting (connect, disconnect, error, recovery). */
  onChange: () => void;
  logger: Logger;
}

// modbus-serial is CommonJS whose typings declare the client class as `default`; at run time
// `default` is the same constructor, so this works under both tsc (NodeNext) and Node.
const loadModbus = lazyRequire<typeof ModbusSerial>(import.meta.url, 'modbus-serial');
type ModbusClient = InstanceType<typeof ModbusSerial.default>;

export class ModbusDevicePoller {
  readonly stats: DevicePollerStats = { connected: false, polls: 0, points: 0, gaps: 0, readErrors: 0, connects: 0, connectFailures: 0, ingestErrors: 0, requestsPerPoll: 0 };
  /**
   * False after a poll with gaps or a store refusal, or a lost connection, until a clean poll.
   * Starts true so a device that connected but has not been polled yet is not reported degraded.
   */
  healthy = true;
  private blocks: ReadBlock[];
  private client: ModbusClient | undefined;
  private readonly backoff: Backoff;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly origin: string;

  constructor(private readonly opts: DevicePollerOptions) {
    this.blocks = planReads(opts.device.registers, opts.device.maxGap);
    this.stats.requestsPerPoll = this.blocks.length;
    this.backoff = new Backoff(opts.backoff, opts.random);
    const d = opts.device;
    this.origin = `modbus://${d.host}:${d.port}/${d.unitId}`;
  }

  get name(): string {
    return this.opts.device.device;
  }

  /** Connects (one attempt) and starts polling; a failed attempt leaves reconnects scheduled. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
    this.schedulePoll(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    await this.inFlight;
    this.dropClient();
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      const started = this.opts.now();
      this.inFlight = this.pollOnce().catch((e: unknown) => this.recordError(`poll failed: ${errText(e)}`));
      void this.inFlight.then(() => this.schedulePoll(Math.max(0, this.opts.device.pollIntervalMs - (this.opts.now() - started))));
    }, delayMs);
  }

  private async connect(): Promise<void> {
    const d = this.opts.device;
    const client = new (loadModbus().default)();
    try {
      await client.connectTCP(d.host, { port: d.port, timeout: d.timeoutMs });
      client.setID(d.unitId);
      client.setTimeout(d.timeoutMs);
    } catch (e) {
      closeQuietly(client);
      this.stats.connectFailures++;
      this.recordError(`connect to ${d.host}:${d.port} failed: ${errText(e)}`);
      // Once per outage, not once per attempt: the status and stats carry the rest.
      if (this.backoff.attempts === 0) this.opts.logger.warn({ device: d.device, error: this.stats.lastError }, 'modbus: cannot connect; retrying with backoff');
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return closeQuietly(client);
    client.on('error', (e: unknown) => this.recordError(`socket error: ${errText(e)}`));
    client.on('close', () => {
      if (this.client !== client) return;
      this.recordError(`connection to ${d.host}:${d.port} closed`);
      this.disconnect();
    });
    this.client = client;
    this.stats.connected = true;
    this.stats.connects++;
    delete this.stats.nextReconnectMs;
    this.opts.logger.info({ device: d.device, host: d.host, port: d.port, unitId: d.unitId, attempts: this.backoff.attempts + 1 }, 'modbus: connected');
    this.backoff.reset();
    this.opts.onChange();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== undefined) return;
    const delay = this.backoff.next();
    this.stats.nextReconnectMs = delay;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
    this.opts.onChange();
  }

  /** Transport lost: forget the client and try again after a backoff. */
  private disconnect(): void {
    if (this.client) this.opts.logger.warn({ device: this.name, error: this.stats.lastError }, 'modbus: connection lost; reconnecting with backoff');
    this.dropClient();
    this.healthy = false;
    this.opts.onChange();
    this.scheduleReconnect();
  }

  private dropClient(): void {
    const c = this.client;
    this.client = undefined;
    this.stats.connected = false;
    if (c) closeQuietly(c);
  }

  private async pollOnce(): Promise<void> {
    const ts = this.opts.now();
    const candidates: PointCandidate[] = [];
    const gap = (regs: readonly ModbusRegister[]) => {
      for (const r of regs) candidates.push(gapPoint(this.name, r, ts));
    };
    if (!this.client) {
      gap(this.opts.device.registers);
    } else {
      const next: ReadBlock[] = [];
      for (let i = 0; i < this.blocks.length; i++) {
        const block = this.blocks[i]!;
        const client = this.client;
        if (!client) { gap(block.registers); next.push(block); continue; }
        try {
          candidates.push(...(await this.readBlock(client, block, ts)));
          next.push(block);
        } catch (e) {
          this.stats.readErrors++;
          const code = (e as { modbusCode?: unknown }).modbusCode;
          this.recordError(`read ${block.function} ${block.address}+${block.length} failed: ${errText(e)}`);
          if (typeof code === 'number') {
            if (code === ILLEGAL_DATA_ADDRESS && block.registers.length > 1) {
              // One bad address should not blank its neighbours: read them one by one from now on.
              this.blocks.splice(i + 1, 0, ...splitBlock(block));
              continue;
            }
            gap(block.registers);
            next.push(block);
          } else {
            gap(block.registers);
            next.push(block);
            this.disconnect();
          }
        }
      }
      this.blocks = next;
      this.stats.requestsPerPoll = next.length;
    }
    const gaps = candidates.filter((c) => c.value === null).length;
    this.stats.polls++;
    this.stats.lastPollAt = ts;
    this.stats.gaps += gaps;
    this.stats.points += candidates.length - gaps;
    const wasHealthy = this.healthy;
    // Gap rows are readable from the store at commit, before `deliver` resolves (after the disk
    // sync): report the incomplete poll now, so status never lags behind what the store shows.
    if (gaps > 0) this.healthy = false;
    const stored = await this.deliver(candidates);
    this.healthy = gaps === 0 && stored;
    if (wasHealthy !== this.healthy) {
      if (!this.healthy && this.client) this.opts.logger.warn({ device: this.name, gaps, error: this.stats.lastError }, 'modbus: poll incomplete (gaps or store refusal)');
      this.opts.onChange();
    }
  }

  private async readBlock(client: ModbusClient, block: ReadBlock, ts: number): Promise<PointCandidate[]> {
    if (isBitTable(block.function)) {
      const res = block.function === 'coil' ? await client.readCoils(block.address, block.length) : await client.readDiscreteInputs(block.address, block.length);
      return block.registers.map((r) => point(this.name, r, ts, Boolean(res.data[r.address - block.address])));
    }
    const res = block.function === 'holding' ? await client.readHoldingRegisters(block.address, block.length) : await client.readInputRegisters(block.address, block.length);
    return block.registers.map((r) => {
      const at = r.address - block.address;
      const words = res.data.slice(at, at + registerWidth(r.type));
      const raw = decodeRegisters(words, r.type, r.byteOrder, r.wordOrder);
      // Devices send NaN (float32) for "no valid reading": that is a gap, not a bad input.
      if (typeof raw === 'number' && !Number.isFinite(raw)) return gapPoint(this.name, r, ts);
      return point(this.name, r, ts, typeof raw === 'boolean' ? raw : applyScale(raw, r.scale, r.offset));
    });
  }

  /** True when the store took the readings. */
  private async deliver(candidates: PointCandidate[]): Promise<boolean> {
    if (candidates.length === 0) return true;
    try {
      await this.opts.ingestor.ingest({ source: 'modbus', origin: this.origin, candidates, receivedAt: this.opts.now() });
      return true;
    } catch (e) {
      // A Modbus reading cannot be re-requested later: the loss is counted and reported.
      this.stats.ingestErrors++;
      this.recordError(`store refused ${candidates.length} point(s): ${errText(e)}`);
      return false;
    }
  }

  private recordError(message: string): void {
    this.stats.lastError = message;
    this.stats.lastErrorAt = this.opts.now();
    this.opts.onChange();
  }
}

function point(device: string, r: ModbusRegister, ts: number, value: number | boolean): PointCandidate {
  return r.unit === undefined ? { device, metric: r.metric, ts, value } : { device, metric: r.metric, ts, value, unit: r.unit };
}

function gapPoint(device: string, r: ModbusRegister, ts: number): PointCandidate {
  const p: PointCandidate = { device, metric: r.metric, ts, value: null, quality: 'bad' };
  if (r.unit !== undefined) p.unit = r.unit;
  return p;
}

function closeQuietly(client: ModbusClient): void {
  try {
    client.close(() => undefined);
  } catch {
    // already closed
  }
}

function errText(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
