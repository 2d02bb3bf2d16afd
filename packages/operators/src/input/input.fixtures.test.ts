import { fixtureTests } from '../testing/fixtures.js';

fixtureTests(new URL('./fixtures/', import.meta.url));
