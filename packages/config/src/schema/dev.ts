import { Bool, Int, Section } from './kinds.js';

export const DevSection = Section({
  freePorts: Bool({ default: true, description: 'Where a wanted port is taken, pick a free one and print it (instead of failing).' }),
  simulator: Bool({ default: true, description: 'Run the simulator alongside the hub and the gateway.' }),
  statusIntervalMs: Int({ minimum: 100, default: 1000, description: 'Refresh period of the live rate line.' }),
}, { description: '`outpost dev`: everything in one process.' });
