import { Command } from 'commander';
import type { CliCommand } from './types.js';
import { configSource, loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { createLogger } from '../logger.js';
import { loadStartGateway } from '../services.js';
import { gatewayQueryCommand } from './gateway-query.js';
import { gatewayUplinkStatusCommand } from './gateway-uplink-status.js';
import { gatewayAlertsCommand } from './gateway-alerts.js';

export const gatewayCommand: CliCommand = {
  name: 'gateway',
  build: (io) =>
    withConfigOptions(new Command('gateway'))
      .description('Run the gateway (MQTT, HTTP and Modbus ingest into the local store) until Ctrl-C; configured ports that are taken fail (exit 3)')
      .addCommand(gatewayQueryCommand(io))
      .addCommand(gatewayUplinkStatusCommand(io))
      .addCommand(gatewayAlertsCommand(io))
      .action(async (flags: ConfigFlags) => {
        const config = loadCliConfig(flags, io);
        const startGateway = await loadStartGateway();
        const gw = await startGateway(config.gateway, { logger: createLogger(config.gateway.log.level, 'gateway') });
        io.out(`outpost gateway ${config.gateway.id} (config: ${configSource(flags, io)})\n`);
        for (const [name, url] of Object.entries(gw.addresses)) if (url) io.out(`  ${name.padEnd(8)} ${url}\n`);
        io.out(`  store    ${config.gateway.store.path}\n`);
        const signal = await io.untilStopped();
        io.out(`${signal}: stopping the gateway\n`);
        await gw.stop();
      }),
};
