import { loadConfig, ConfigError } from '@outpost/config';
import type { HeartbeatRequest, HeartbeatResponse, RegisterResponse, DeviceTokenGrant, ApiErrorBody, DeviceLogLine } from '@outpost/contract/api/hub';
import type { Logger } from '@outpost/contract';
import type { DeploymentReport, DesiredArtifact } from '@outpost/contract/artifacts';
import { readState, writeState, type HubClientState } from './state.js';

export interface HubClientOptions {
  /** Hub base URL, e.g. `http://127.0.0.1:8080`. */
  hubUrl: string;
  /** This box's stable hardware id (serial, MAC, machine-id). */
  hardwareId: string;
  name?: string;
  /** One-time registration token; needed only on the first start (no state yet). */
  registrationToken?: string;
  /** Where the device id, credential, token and applied config persist (mode 0600). */
  stateFile: string;
  /** Health for the heartbeat (status, versions, system metrics, buffer, logs …). */
  health: () => Promise<Omit<HeartbeatRequest, 'config'>> | Omit<HeartbeatRequest, 'config'>;
  /**
   * Restart the gateway with this `gateway` config section; throw if it fails to start. Called
   * again with the previous config to roll back. `null` means the configuration from the file.
   */
  applyConfig: (body: Record<string, unknown> | null, version: string | null) => Promise<void>;
  /** Gateway log lines at or above this level are shipped with the next heartbeat (default warn). */
  shipLogsAt?: DeviceLogLine['level'];
  /** Heartbeat period before the hub says otherwise (default 30 s). */
  intervalMs?: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  fetch?: typeof fetch;
  /** The artifact agent (apps/gateway/src/artifacts): its reports ride on every heartbeat, the hub's desired artifacts go to it. */
  artifacts?: { reports(): DeploymentReport[]; converge(desired: readonly DesiredArtifact[]): Promise<void> };
}

const LEVELS: readonly DeviceLogLine['level'][] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
/** Log lines kept for the next heartbeat; older ones are dropped first (the hub caps one beat at 500). */
const MAX_LOG_LINES = 500;

export class HubError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); this.name = 'HubError'; }
}

/**
 * The gateway's side of provisioning and configuration: registers once, heartbeats, renews its
 * token, and converges to the config the hub asks for — validating it first, rolling back to
 * the previous one if the gateway fails to start with it, and reporting the applied version and
 * any error in the next heartbeat.
 */
export class HubClient {
  private state: HubClientState;
  private timer: NodeJS.Timeout | undefined;
  private intervalMs: number;
  private stopped = false;
  private beating: Promise<HeartbeatResponse> | undefined;
  private readonly fetch: typeof fetch;
  private logs: DeviceLogLine[] = [];
  private again = false;

  constructor(private readonly opts: HubClientOptions) {
    this.state = readState(opts.stateFile);
    this.intervalMs = opts.intervalMs ?? 30_000;
    this.fetch = opts.fetch ?? fetch;
  }

  get deviceId(): string | undefined { return this.state.deviceId; }
  get appliedVersion(): string | null { return this.state.applied?.version ?? null; }
  get lastError(): string | null { return this.state.failed?.error ?? null; }

  /** Register if needed, send a first heartbeat, then keep beating every interval. */
  async start(): Promise<void> {
    await this.ensureRegistered();
    await this.heartbeat();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.beating?.catch(() => undefined);
  }

  async ensureRegistered(): Promise<void> {
    if (this.state.deviceId && this.state.credential) return;
    if (!this.opts.registrationToken) throw new Error('hub client: not registered yet and no registration token given (gateway.hub.registrationToken)');
    const r = await this.call<RegisterResponse>('POST', '/v1/register', { token: this.opts.registrationToken, hardwareId: this.opts.hardwareId, ...(this.opts.name ? { name: this.opts.name } : {}) });
    this.state = { ...this.state, deviceId: r.deviceId, orgId: r.orgId, credential: r.credential, token: r.deviceToken };
    this.intervalMs = r.heartbeatIntervalS * 1000;
    writeState(this.opts.stateFile, this.state);
    this.opts.logger?.info({ deviceId: r.deviceId }, 'registered with the hub');
  }

  /** One heartbeat, and whatever it asks for (config, token renewal). Concurrent calls share one beat. */
  heartbeat(): Promise<HeartbeatResponse> {
    this.beating ??= this.beat().finally(() => { this.beating = undefined; });
    return this.beating;
  }

  /** Beat now to report news (deployment progress); if a beat is in flight, one more follows it. */
  beatSoon(): void {
    if (this.stopped) return;
    if (this.beating) { this.again = true; return; }
    this.heartbeat().catch((e: unknown) => this.opts.logger?.warn({ err: (e as Error).message }, 'heartbeat failed')).finally(() => {
      if (this.again) { this.again = false; this.beatSoon(); }
    });
  }

  /** A GET on the hub with this device's token, the response as is (artifact downloads with Range). */
  async getRaw(path: string, headers: Record<string, string> = {}): Promise<Response> {
    if (!this.state.token || this.state.token.expiresAt <= Date.now()) await this.renewToken();
    const res = await this.fetch(new URL(path, this.opts.hubUrl), { headers: { ...headers, authorization: `Bearer ${this.state.token!.token}` } });
    if (res.status !== 401) return res;
    await res.body?.cancel();
    await this.renewToken();
    return this.fetch(new URL(path, this.opts.hubUrl), { headers: { ...headers, authorization: `Bearer ${this.state.token!.token}` } });
  }

  /**
   * A valid device token (renewed through the credential when expired): the uplink sends it as
   * `x-outpost-token` with `x-outpost-gateway: <deviceId>` so its batches land under this device.
   */
  async currentToken(): Promise<string> {
    if (!this.state.token || this.state.token.expiresAt <= Date.now() + 30_000) await this.renewToken();
    return this.state.token!.token;
  }

  /** Queue a gateway log line for the hub if it is at or above `shipLogsAt`; `service` names the gateway part that logged it. */
  log(level: DeviceLogLine['level'], msg: string, service?: string, at = Date.now()): void {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(this.opts.shipLogsAt ?? 'warn')) return;
    // The hub accepts service names of [a-z0-9._-]{1,64}; anything else is shipped without one rather than refusing the beat.
    const svc = service !== undefined && /^[a-z0-9][a-z0-9._-]{0,63}$/.test(service) ? service : undefined;
    this.logs.push({ at, level, msg: msg.slice(0, 4000), ...(svc ? { service: svc } : {}) });
    if (this.logs.length > MAX_LOG_LINES) this.logs.splice(0, this.logs.length - MAX_LOG_LINES);
  }

  /** Send metrics through the hub's public ingest API with this device's token. */
  async sendMetrics(metrics: Array<{ name: string; ts: number | string; value: number | null; unit?: string }>): Promise<{ batchId: string }> {
    return this.authed<{ batchId: string }>('POST', '/v1/ingest', { device_external_id: this.opts.hardwareId, metrics });
  }

  private async beat(): Promise<HeartbeatResponse> {
    const health = await this.opts.health();
    const logs = this.logs;
    this.logs = [];
    const reports = this.opts.artifacts?.reports() ?? [];
    const body: HeartbeatRequest = { ...health, config: { applied: this.appliedVersion, error: this.lastError }, ...(logs.length ? { logs } : {}), ...(reports.length ? { artifacts: reports } : {}) };
    let res: HeartbeatResponse;
    try {
      res = await this.authed<HeartbeatResponse>('POST', '/v1/heartbeat', body);
    } catch (e) {
      // Not delivered: keep the lines for the next beat (newest win when over the cap).
      this.logs = [...logs, ...this.logs].slice(-MAX_LOG_LINES);
      throw e;
    }
    this.intervalMs = res.heartbeatIntervalS * 1000;
    if (res.deviceToken) { this.state.token = res.deviceToken; writeState(this.opts.stateFile, this.state); }
    if (res.config.version === this.appliedVersion && this.state.failed) {
      // The hub now wants what runs (e.g. it rolled back): the failed version is history.
      this.state.failed = null;
      writeState(this.opts.stateFile, this.state);
    }
    if (res.config.version !== this.appliedVersion && res.config.body && res.config.version !== this.state.failed?.version) {
      await this.converge(res.config.version!, res.config.body);
    }
    // Not awaited: a download or a health check must not hold up heartbeats; the agent reports its progress.
    if (this.opts.artifacts && res.artifacts) this.opts.artifacts.converge(res.artifacts).catch((e: unknown) => this.opts.logger?.error({ err: (e as Error).message }, 'artifact agent failed'));
    return res;
  }

  private async converge(version: string, body: Record<string, unknown>): Promise<void> {
    const previous = this.state.applied ?? null;
    const fail = (error: string) => {
      this.state.failed = { version, error };
      writeState(this.opts.stateFile, this.state);
      this.opts.logger?.error({ version, error }, 'config not applied');
    };
    try {
      loadConfig({ overrides: { gateway: body } as never });
    } catch (e) {
      return fail(e instanceof ConfigError ? `invalid: ${e.message}` : String(e));
    }
    try {
      await this.opts.applyConfig(body, version);
    } catch (e) {
      const why = (e as Error).message ?? String(e);
      try {
        await this.opts.applyConfig(previous?.body ?? null, previous?.version ?? null);
      } catch (e2) {
        return fail(`failed to start: ${why}; rollback to ${previous?.version ?? 'the file config'} also failed: ${(e2 as Error).message}`);
      }
      return fail(`failed to start: ${why}; rolled back to ${previous?.version ?? 'the file config'}`);
    }
    this.state.applied = { version, body };
    this.state.failed = null;
    writeState(this.opts.stateFile, this.state);
    this.opts.logger?.info({ version }, 'config applied');
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.heartbeat().catch((e: unknown) => this.opts.logger?.warn({ err: (e as Error).message }, 'heartbeat failed')).finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** A device-token call; on an expired or unknown token, exchange the credential once and retry. */
  private async authed<T>(method: string, path: string, body: unknown): Promise<T> {
    if (!this.state.token || this.state.token.expiresAt <= Date.now()) await this.renewToken();
    try {
      return await this.call<T>(method, path, body, this.state.token!.token);
    } catch (e) {
      if (!(e instanceof HubError) || e.code !== 'ERR_AUTH_INVALID') throw e;
      await this.renewToken();
      return this.call<T>(method, path, body, this.state.token!.token);
    }
  }

  private async renewToken(): Promise<void> {
    if (!this.state.credential) throw new Error('hub client: no device credential; register first');
    this.state.token = await this.call<DeviceTokenGrant>('POST', '/v1/device-token', { credential: this.state.credential });
    writeState(this.opts.stateFile, this.state);
  }

  private async call<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
    const res = await this.fetch(new URL(path, this.opts.hubUrl), {
      method, body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const text = await res.text();
    if (!res.ok) {
      let err: ApiErrorBody['error'] | undefined;
      try { err = (JSON.parse(text) as ApiErrorBody).error; } catch { /* not JSON */ }
      throw new HubError(res.status, err?.code ?? `HTTP_${res.status}`, `hub ${method} ${path}: ${res.status} ${err?.code ?? ''} ${err?.message ?? text.slice(0, 200)}`.trim());
    }
    return JSON.parse(text) as T;
  }
}

/** Create, register and start beating; the caller stops it on shutdown. */
export async function startHubClient(opts: HubClientOptions): Promise<HubClient> {
  const c = new HubClient(opts);
  await c.start();
  return c;
}
