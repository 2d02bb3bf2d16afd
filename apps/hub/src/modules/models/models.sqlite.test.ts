import { test } from 'node:test';
import { modelsSuite } from './suite.js';
import { monitoringSuite } from './monitoring-suite.js';
import { deploySuite } from './deploy-suite.js';

// The same suites run on PostgreSQL in models.postgres.integration.test.ts.
test('model registry and inference API on SQLite', (t) => modelsSuite(t, 'sqlite'));
test('model monitoring on SQLite', (t) => monitoringSuite(t, 'sqlite'));
test('model deployment to gateways on SQLite', (t) => deploySuite(t, 'sqlite'));
