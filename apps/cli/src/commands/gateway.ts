import { Command } from 'commander';
import type { CliCommand } from './types.js';
import { loadConfig } from '@outpost/config';
import { configSource, loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';
import { createLogger } from '../logger.js';
import { loadStartGateway, loadStartHubLink } from '../services.js';
import { gatewayQueryCommand } from './gateway-query.js';
import { gatewayUplinkStatusCommand } from './gateway-uplink-status.js';
import { gatewayAlertsCommand } from './gateway-alerts.js';
import { gatewaySuperviseCommand } from './gateway-supervise.js';

export const gatewayCommand: CliCommand = {
  name: 'gateway',
  build: (io) =>
    withConfigOptions(new Command('gateway'))
      .description('Run the gateway (MQTT, HTTP and Modbus ingest into the local store) until Ctrl-C; configured ports that are taken fail (exit 3)')
      .addCommand(gatewayQueryCommand(io))
      .addCommand(gatewayUplinkStatusCommand(io))
      .addCommand(gatewayAlertsCommand(io))
      .addCommand(gatewaySuperviseCommand(io))
      .action(async (flags: ConfigFlags) => {
        const config = loadCliConfig(flags, io);
        if (config.gateway.hub.url) {
          // Under the hub's control: pushed config sections merge over file ← env ← --set.
          const file = flags.config ?? (io.env.OUTPOST_CONFIG || undefined);
          const startHubLink = await loadStartHubLink();
          const link = await startHubLink({
            logger: createLogger(config.gateway.log.level, 'gateway'),
            load: (pushed) => loadConfig({ ...(file === undefined ? {} : { file }), env: io.env, set: flags.set ?? [], overrides: pushed ? { gateway: pushed } as never : {} }).gateway,
          });
          io.out(`outpost gateway ${config.gateway.id} (config: ${configSource(flags, io)}; hub ${config.gateway.hub.url}, device ${link.client.deviceId}, config version ${link.client.appliedVersion ?? 'local'})\n`);
          for (const [name, url] of Object.entries(link.gateway()?.addresses ?? {})) if (url) io.out(`  ${name.padEnd(8)} ${url}\n`);
          io.out(`  store    ${link.config().store.path}\n`);
          const signal = await io.untilStopped();
          io.out(`${signal}: stopping the gateway\n`);
          await link.stop();
          return;
        }
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
