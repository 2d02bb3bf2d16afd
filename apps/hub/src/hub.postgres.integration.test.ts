import { test } from 'node:test';
import { requireService } from '@outpost/testing';
import { accessSuite } from './testkit/suite-access.js';
import { fleetSuite } from './testkit/suite-fleet.js';
import { dataSuite } from './testkit/suite-data.js';

// Skips with the reason outside CI when PostgreSQL is absent; fails under CI=true.
test('hub API on PostgreSQL: tenancy and access', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await accessSuite(t, 'postgres'); });
test('hub API on PostgreSQL: provisioning, registry, heartbeats', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await fleetSuite(t, 'postgres'); });
test('hub API on PostgreSQL: config, ingest, time series, limits', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await dataSuite(t, 'postgres'); });
