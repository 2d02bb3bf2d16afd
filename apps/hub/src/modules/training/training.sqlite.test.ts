import { test } from 'node:test';
import { trainingSuite } from './suite.js';

// The same suite runs on PostgreSQL in training.postgres.integration.test.ts.
test('training jobs, models and anomalies on SQLite', (t) => trainingSuite(t, 'sqlite'));
