import { Command } from 'commander';
import type { CliCommand } from './types.js';
import { configSource, loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { runDev } from '../dev/run-dev.js';

export const devCommand: CliCommand = {
  name: 'dev',
  build: (io) =>
    withConfigOptions(new Command('dev'))
      .description('Run a hub, a gateway (embedded MQTT broker) and simulated devices in one process, with a live rate line; taken ports are replaced by free ones')
      .action(async (flags: ConfigFlags) => {
        const config = loadCliConfig(flags, io);
        await runDev(config, configSource(flags, io), io);
      }),
};
