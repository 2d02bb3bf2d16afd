import { test } from 'node:test';
import { liveScoringSuite } from './live-suite.js';

// The same scenario runs on PostgreSQL in live.postgres.integration.test.ts.
test('the hub scores ingested points with the deployed model version: per device, per device type, only the deployed metrics, re-pointed on redeploy (SQLite)', (t) => liveScoringSuite(t, 'sqlite'));
