import { Command } from 'commander';
import { renderJsonSchema, settings, type OutpostConfig } from '@outpost/config';
import type { CliCommand } from './types.js';
import { configSource, loadCliConfig, withConfigOptions, type ConfigFlags } from '../options.js';

const SECRETS = [['gateway', 'http', 'token'], ['gateway', 'mqtt', 'password']] as const;

function redact(config: OutpostConfig): OutpostConfig {
  const copy = structuredClone(config);
  for (const [a, b, c] of SECRETS) {
    const section = (copy as unknown as Record<string, Record<string, Record<string, unknown>>>)[a]![b]!;
    if (section[c] !== undefined) section[c] = '<redacted>';
  }
  return copy;
}

export const configCommand: CliCommand = {
  name: 'config',
  build: (io) =>
    new Command('config')
      .description('Check, print or describe the configuration')
      .addCommand(
        withConfigOptions(new Command('check'))
          .description('Validate the configuration (file, OUTPOST_* environment, --set); exit 2 listing every problem')
          .action((flags: ConfigFlags) => {
            loadCliConfig(flags, io);
            io.out(`configuration is valid (${configSource(flags, io)})\n`);
          }),
      )
      .addCommand(
        withConfigOptions(new Command('print'))
          .description('Print the effective configuration, defaults filled in (secrets redacted)')
          .option('--json', 'print JSON instead of YAML')
          .option('--show-secrets', 'print tokens and passwords as they are')
          .action(async (flags: ConfigFlags & { json?: boolean; showSecrets?: boolean }) => {
            const config = loadCliConfig(flags, io);
            const shown = flags.showSecrets ? config : redact(config);
            io.out(flags.json ? `${JSON.stringify(shown, null, 2)}\n` : (await import('yaml')).stringify(shown));
          }),
      )
      .addCommand(
        new Command('schema')
          .description('Print the configuration\'s JSON Schema (also in docs/reference/outpost.config.schema.json)')
          .action(() => io.out(renderJsonSchema())),
      )
      .addCommand(
        new Command('env')
          .description('List every setting\'s environment variable')
          .action(() => {
            const all = settings();
            const width = Math.max(...all.map((s) => s.env.length));
            for (const s of all) io.out(`${s.env.padEnd(width)}  ${s.path}\n`);
          }),
      ),
};
