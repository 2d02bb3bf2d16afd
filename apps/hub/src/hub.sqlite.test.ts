import { test } from 'node:test';
import { accessSuite } from './testkit/suite-access.js';
import { fleetSuite } from './testkit/suite-fleet.js';
import { dataSuite } from './testkit/suite-data.js';

// The same suites run on PostgreSQL in hub.postgres.integration.test.ts.
test('hub API on SQLite: tenancy and access', (t) => accessSuite(t, 'sqlite'));
test('hub API on SQLite: provisioning, registry, heartbeats', (t) => fleetSuite(t, 'sqlite'));
test('hub API on SQLite: config, ingest, time series, limits', (t) => dataSuite(t, 'sqlite'));
