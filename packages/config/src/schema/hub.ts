import { Port, Section, Str } from './kinds.js';
import { LogSection } from './gateway.js';

export const HubSection = Section({
  host: Str({ minLength: 1, default: '127.0.0.1', description: 'Bind address of the hub HTTP API.' }),
  port: Port(8080, { description: 'Port of the hub HTTP API.' }),
  dataDir: Str({ minLength: 1, default: './.outpost/hub', description: 'Folder for the hub\'s data. Relative paths resolve against the working directory.' }),
  log: LogSection,
}, { description: 'The hub: control plane and API.' });
