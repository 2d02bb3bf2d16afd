import { test } from 'node:test';
import { alertsSuite } from './alerts-suite.js';

// The same suite runs on PostgreSQL in alerts.postgres.integration.test.ts.
test('hub alerts on SQLite', (t) => alertsSuite(t, 'sqlite'));
