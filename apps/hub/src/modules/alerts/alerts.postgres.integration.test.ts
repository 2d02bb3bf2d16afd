import { test } from 'node:test';
import { requireService } from '@outpost/testing';
import { alertsSuite } from './alerts-suite.js';

// Skips with the reason outside CI when PostgreSQL is absent; fails under CI=true.
test('hub alerts on PostgreSQL', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await alertsSuite(t, 'postgres'); });
