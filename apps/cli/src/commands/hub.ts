import { Command } from 'commander';
import type { CliCommand } from './types.js';
import { configSource, loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { createLogger } from '../logger.js';
import { loadHub } from '../services.js';
import { hubMigrateCommand } from './hub-migrate.js';

export const hubCommand: CliCommand = {
  name: 'hub',
  build: (io) =>
    withConfigOptions(new Command('hub'))
      .description('Run the hub (control plane and API) until Ctrl-C')
      .addCommand(hubMigrateCommand(io))
      .action(async (flags: ConfigFlags) => {
        const config = loadCliConfig(flags, io);
        const { startHub } = await loadHub();
        const hub = await startHub(config.hub, { logger: createLogger(config.hub.log.level, 'hub') });
        io.out(`outpost hub ${hub.url} (config: ${configSource(flags, io)}, data: ${config.hub.dataDir})\n`);
        const signal = await io.untilStopped();
        io.out(`${signal}: stopping the hub\n`);
        await hub.stop();
      }),
};
