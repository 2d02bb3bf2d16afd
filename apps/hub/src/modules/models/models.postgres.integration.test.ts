import { test } from 'node:test';
import { requireService } from '@outpost/testing';
import { modelsSuite } from './suite.js';
import { monitoringSuite } from './monitoring-suite.js';
import { deploySuite } from './deploy-suite.js';

// Skips with the reason outside CI when PostgreSQL is absent; fails under CI=true.
test('model registry and inference API on PostgreSQL', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await modelsSuite(t, 'postgres'); });
test('model monitoring on PostgreSQL', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await monitoringSuite(t, 'postgres'); });
test('model deployment to gateways on PostgreSQL', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await deploySuite(t, 'postgres'); });
