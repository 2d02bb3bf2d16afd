import type { HubModule } from './types.js';
import { healthModule } from './health/index.js';
import { infoModule } from './info/index.js';
import { createUplinkModule } from './uplink/index.js';
import { hubUplinkDeps } from '../core/uplink-adapter.js';
import { accountsModule } from './accounts/index.js';
import { fleetModule } from './fleet/index.js';
import { provisioningModule } from './provisioning/index.js';
import { configsModule } from './configs/index.js';
import { ingestModule } from './ingest/index.js';
import { seriesModule } from './series/index.js';
import { trainingModule } from './training/index.js';
import { anomaliesModule } from './anomalies/index.js';
import { assignmentsModule } from './assignments/index.js';
import { pipelinesModule } from './pipelines/index.js';
import { alertsModule } from './alerts/index.js';
import { deploymentsModule } from './deployments/index.js';
import { liveModule } from './live/index.js';
import { dashboardModule } from './dashboard/index.js';
import { artifactsModule } from './artifacts/index.js';
import { processorsModule } from './processors/index.js';
import { modelsModule } from './models/index.js';

/** The hub's modules, in registration order. A new feature adds a folder and one line here. */
export const HUB_MODULES: readonly HubModule[] = [
  healthModule, infoModule,
  // Uplink batches from provisioned gateways land in the hub's storage under their organisation.
  createUplinkModule(hubUplinkDeps),
  accountsModule, fleetModule, provisioningModule, configsModule, assignmentsModule, ingestModule, seriesModule,
  trainingModule, anomaliesModule,
  pipelinesModule,
  alertsModule,
  artifactsModule,
  processorsModule,
  modelsModule,
  deploymentsModule,
  liveModule,
  // Last: its catch-all GET serves the web app for every path no API route claimed.
  dashboardModule,
];

export type { HubModule, HubContext } from './types.js';
