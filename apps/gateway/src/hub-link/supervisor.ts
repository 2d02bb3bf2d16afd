import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '@outpost/contract';
import type { GatewayConfig } from '@outpost/config';
import { startGateway as defaultStartGateway, type RunningGateway, type StartGatewayOptions } from '../gateway.js';
import { HubClient, type HubClientOptions } from '../hub-client/client.js';
import { readState, writeState } from '../hub-client/state.js';
import { createHealth, modelHeartbeat } from './health.js';
import { processorHeartbeat } from '../processors/installed.js';
import { ArtifactAgent } from '../artifacts/agent.js';
import { gatewayInstallers } from '../artifacts/installers/index.js';
import type { Installers } from '../artifacts/types.js';
import { reportHealthy, underSupervisor } from '../ota/child.js';
import { softwareInstaller } from '../ota/software-installer.js';
import { serviceLogger, serviceOf } from '../log-service.js';

export interface HubLinkOptions {
  /**
   * The gateway config with a section pushed by the hub merged over the local one (file, env,
   * flags); `null` means the local config alone. The CLI passes
   * `(s) => loadConfig({ file, env, set, overrides: s ? { gateway: s } : {} }).gateway`.
   * Throws (ConfigError) when the merge is invalid.
   */
  load: (pushed: Record<string, unknown> | null) => GatewayConfig;
  logger?: Logger;
  /** Options for every gateway start (the uplink identity is set here). */
  gatewayOptions?: Omit<StartGatewayOptions, 'uplinkIdentity' | 'logger'>;
  /** Default `<gateway.dataDir>/hub-client.json`. */
  stateFile?: string;
  /** Reported as `versions.gateway`. */
  version?: string;
  fetch?: typeof fetch;
  startGateway?: typeof defaultStartGateway;
}

export interface HubLink {
  readonly client: HubClient;
  /** The gateway running now (undefined only while a restart is in progress). */
  gateway(): RunningGateway | undefined;
  /** The config the running gateway was started with. */
  config(): GatewayConfig;
  stop(): Promise<void>;
}

/** `gateway.hub.hardwareId`, else /etc/machine-id, else the host name. */
export function defaultHardwareId(): string {
  try {
    const id = readFileSync('/etc/machine-id', 'utf8').trim();
    if (id) return id;
  } catch { /* not systemd: fall back */ }
  return hostname();
}

/**
 * A hub-linked gateway: the local config points at the hub, and the uplink goes to that hub as
 * the provisioned device unless `gateway.uplink.url` names another endpoint.
 */
function linked(config: GatewayConfig): GatewayConfig {
  const url = config.hub.url;
  if (!url || config.uplink.url !== undefined) return config;
  return { ...config, uplink: { ...config.uplink, enabled: true, url } };
}

/**
 * Runs the gateway under the hub's control: registers (once, with `gateway.hub.registrationToken`),
 * starts the gateway with the config version applied last (or the local one), sends heartbeats
 * with the gateway's health and buffer status, and applies pushed configs by restarting the
 * gateway; a config it fails to start with is rolled back by the hub client (it calls `apply`
 * again with the previous version) and reported.
 */
export async function startHubLink(opts: HubLinkOptions): Promise<HubLink> {
  const logger = opts.logger ?? silentLogger;
  const start = opts.startGateway ?? defaultStartGateway;
  const local = opts.load(null);
  const hub = local.hub;
  if (!hub.url) throw new Error('hub link: gateway.hub.url is not set');
  const stateFile = opts.stateFile ?? join(local.dataDir, 'hub-client.json');
  // Under Outpost's supervisor the slot's bundle version is the version that runs.
  const version = process.env.OUTPOST_SOFTWARE_VERSION ?? opts.version ?? '0.1.0';
  const health = createHealth(version, Date.now());

  let gw: RunningGateway | undefined;
  let current = linked(local);
  // Ship the gateway's own warnings and errors with the next heartbeat.
  let client: HubClient | undefined;
  const shipping: Logger = {
    debug: (o, m) => { logger.debug(o, m); client?.log('debug', line(o, m), serviceOf(o)); },
    info: (o, m) => { logger.info(o, m); client?.log('info', line(o, m), serviceOf(o)); },
    warn: (o, m) => { logger.warn(o, m); client?.log('warn', line(o, m), serviceOf(o)); },
    error: (o, m) => { logger.error(o, m); client?.log('error', line(o, m), serviceOf(o)); },
  };

  const run = async (config: GatewayConfig) => {
    const c = client!;
    return start(config, { ...opts.gatewayOptions, logger: shipping, uplinkIdentity: { gateway: c.deviceId!, token: () => c.currentToken() } });
  };
  // Restarts are serialised: a heartbeat's apply and stop() never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const apply = (pushed: Record<string, unknown> | null, version: string | null) => {
    const next = chain.then(async () => {
      const config = linked(opts.load(pushed));
      if (gw) { await gw.stop(); gw = undefined; }
      gw = await run(config);
      current = config;
      logger.info({ version: version ?? 'local' }, `gateway restarted with config ${version ?? 'from the local file'}`);
    });
    chain = next.catch(() => undefined);
    return next;
  };

  // Deployed artifacts (pipelines, models, processors, rule sets, configs, software) through one agent.
  const otaRoot = process.env.OUTPOST_OTA_ROOT;
  let committed!: () => void;
  const installers: Installers = {
    ...gatewayInstallers({ dataDir: local.dataDir, pipelines: () => gw?.pipelines, applyConfig: (body) => apply(body, body ? 'artifact' : null) }),
    ...(underSupervisor() && otaRoot ? { software: softwareInstaller({ root: otaRoot, running: version, committed: new Promise<void>((r) => { committed = r; }) }) } : {}),
  };
  const agent = new ArtifactAgent({ dir: join(local.dataDir, 'artifacts'), get: (p, h) => client!.getRaw(p, h), installers, onChange: () => client?.beatSoon(), logger: serviceLogger(shipping, 'artifacts') });

  const clientOptions: HubClientOptions = {
    artifacts: agent,
    hubUrl: hub.url, hardwareId: hub.hardwareId ?? defaultHardwareId(), name: hub.name ?? local.id,
    registrationToken: hub.registrationToken, stateFile, intervalMs: hub.heartbeatIntervalMs, shipLogsAt: hub.shipLogsAt,
    logger, ...(opts.fetch ? { fetch: opts.fetch } : {}),
    health: () => ({ ...health(gw?.status(), current.dataDir), ...processorHeartbeat(gw?.pipelines), ...modelHeartbeat(gw?.pipelines) }),
    applyConfig: apply,
  };
  client = new HubClient(clientOptions);
  try {
    await client.ensureRegistered();
  } catch (e) {
    // Without a device id the uplink has no identity: a first start needs the hub.
    throw new Error(`hub link: cannot register with the hub at ${hub.url} (gateway.hub.url): ${describe(e)}`, { cause: e });
  }

  // The version applied before a restart is started again; if it no longer starts, the local config.
  const state = readState(stateFile);
  const applied = state.applied;
  try {
    if (applied) await apply(applied.body, applied.version);
    else await apply(null, null);
  } catch (e) {
    if (!applied) throw e;
    const error = `failed to start: ${(e as Error).message}; running the local config`;
    logger.error({ err: error, version: applied.version }, 'the applied config no longer starts; starting the local config');
    // Recorded as failed (reported, not retried until the hub offers another version); the client
    // is created again from the state file so it reports what runs.
    writeState(stateFile, { ...state, applied: null, failed: { version: applied.version, error } });
    client = new HubClient(clientOptions);
    await apply(null, null);
  }
  // The hub unreachable at start: the gateway runs on, and start() (first beat, then the schedule)
  // is retried every interval until it succeeds.
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const startBeating = async (): Promise<void> => {
    try {
      await client!.start();
    } catch (e) {
      logger.warn({ err: (e as Error).message }, 'heartbeat to the hub failed; retrying');
      if (!stopped) retry = setTimeout(() => void startBeating(), hub.heartbeatIntervalMs).unref();
    }
  };
  await startBeating();
  // Under the supervisor: running and heard by the hub is healthy (a version on trial is committed).
  void reportHealthy().then(() => committed?.()).then(() => agent.recover()).catch((e: unknown) => logger.error({ err: (e as Error).message }, 'artifact agent recovery failed'));
  const c = client;
  return {
    client: c,
    gateway: () => gw,
    config: () => current,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await c.stop();
      await chain;
      await gw?.stop();
      gw = undefined;
    },
  };
}

function line(o: object, m?: string): string {
  const err = (o as { err?: unknown }).err;
  const detail = err instanceof Error ? err.message : typeof err === 'string' ? err : undefined;
  return [m, detail].filter(Boolean).join(': ') || JSON.stringify(o);
}

function describe(e: unknown): string {
  // fetch hides the reason (refused, DNS, TLS) in its cause.
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const why = err.cause?.code ?? err.cause?.message;
  return why ? `${err.message} (${why})` : err.message;
}
