import { test } from 'node:test';
import { requireService } from '@outpost/testing';
import { trainingSuite } from './suite.js';

// Skips with the reason outside CI when PostgreSQL is absent; fails under CI=true.
test('training jobs, models and anomalies on PostgreSQL', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await trainingSuite(t, 'postgres'); });
