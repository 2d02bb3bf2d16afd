import { test } from 'node:test';
import { requireService } from '@outpost/testing';
import { liveScoringSuite } from './live-suite.js';

// Skips with the reason outside CI when PostgreSQL is absent; fails under CI=true.
test('the hub scores ingested points with the deployed model version (PostgreSQL)', async (t) => { if (await requireService(t, 'PostgreSQL', 5432)) await liveScoringSuite(t, 'postgres'); });
