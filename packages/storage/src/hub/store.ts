import { sql } from 'kysely';
import { openHubDb, type HubDb, type HubDbOptions, type HubDialect } from './open.js';
import { migrateHubDb, type MigrateResult } from './migrations.js';
import { TenancyRepo } from './tenancy.js';
import { FleetRepo } from './fleet.js';
import { HealthRepo } from './health.js';
import { ConfigRepo } from './configs.js';
import { TimeSeriesRepo } from './timeseries.js';
import { UplinkRepo } from './uplink.js';
import { AssignmentRepo } from './assignments.js';
import { ArtifactRepo } from './artifacts.js';
import { RolloutRepo } from './rollouts.js';
import { PipelineRepo } from './pipelines.js';
import { PipelineOutputRepo } from './pipeline-outputs.js';
import { PipelineExportRepo } from './pipeline-exports.js';
import { AlertRepo } from './alerts.js';
import { ProcessorRepo } from './processors.js';
import { DesiredStateRepo } from './desired.js';
import { listAudit, type AuditEntry, type AuditQuery } from './audit.js';

/**
 * The hub's storage: small repositories over one Kysely database. The SQLite and PostgreSQL
 * adapters differ only in how `openHubDb` connects; both pass `conformance.ts`.
 */
export class HubStore {
  readonly tenancy: TenancyRepo;
  readonly fleet: FleetRepo;
  readonly health: HealthRepo;
  readonly configs: ConfigRepo;
  readonly series: TimeSeriesRepo;
  readonly uplink: UplinkRepo;
  readonly assignments: AssignmentRepo;
  readonly artifacts: ArtifactRepo;
  readonly rollouts: RolloutRepo;
  readonly pipelines: PipelineRepo;
  readonly pipelineOutputs: PipelineOutputRepo;
  /** The pipeline outbox: what hub pipelines' `outbox` nodes queue for outside consumers. */
  readonly pipelineExports: PipelineExportRepo;
  readonly alerts: AlertRepo;
  readonly processors: ProcessorRepo;
  /** Many devices' heartbeat desired state at once (the heartbeat cache's bulk loader). */
  readonly desired: DesiredStateRepo;
  readonly dialect: HubDialect;

  private constructor(private readonly handle: HubDb) {
    this.dialect = handle.dialect;
    this.tenancy = new TenancyRepo(handle.db);
    this.fleet = new FleetRepo(handle.db);
    this.health = new HealthRepo(handle.db, handle);
    this.configs = new ConfigRepo(handle.db);
    this.series = new TimeSeriesRepo(handle.db, handle);
    this.uplink = new UplinkRepo(handle.db, handle);
    this.assignments = new AssignmentRepo(handle.db);
    this.alerts = new AlertRepo(handle.db);
    this.artifacts = new ArtifactRepo(handle.db);
    this.rollouts = new RolloutRepo(handle.db);
    this.pipelines = new PipelineRepo(handle.db);
    this.pipelineOutputs = new PipelineOutputRepo(handle.db);
    this.pipelineExports = new PipelineExportRepo(handle.db);
    this.processors = new ProcessorRepo(handle.db);
    this.desired = new DesiredStateRepo(handle.db);
  }

  /** Open and migrate (migrations run on every start; they are idempotent). */
  static async open(opts: HubDbOptions): Promise<HubStore> {
    const handle = await openHubDb(opts);
    try {
      await migrateHubDb(handle.db, handle.dialect, handle.schema);
    } catch (e) {
      await handle.close();
      throw e;
    }
    return new HubStore(handle);
  }

  /** Run the migrations only (`outpost hub migrate`). */
  static async migrate(opts: HubDbOptions): Promise<MigrateResult> {
    const handle = await openHubDb(opts);
    try { return await migrateHubDb(handle.db, handle.dialect, handle.schema); } finally { await handle.close(); }
  }

  audit(orgId: string, q: AuditQuery): Promise<AuditEntry[]> { return listAudit(this.handle.db, orgId, q); }

  async ping(): Promise<void> { await sql`select 1`.execute(this.handle.db); }

  close(): Promise<void> { return this.handle.close(); }
}
