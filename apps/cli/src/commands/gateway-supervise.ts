import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { CliIo } from '../io.js';

interface Flags { root: string; healthTimeout: number; init?: string }

const seconds = (v: string) => { const n = Number(v); if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected seconds > 0, got "${v}"`); return n; };

/**
 * `outpost gateway supervise --root <dir> [--health-timeout s] [--init bundle.json] -- <args>`:
 * Outpost's own supervisor for A/B software updates (docs/rollouts.md#ota-gateway-software-in-ab-slots).
 * Runs the committed slot's entry with <args> (e.g. `gateway --config /etc/outpost/outpost.yaml`)
 * and restarts it; a new version must report healthy within the timeout or it switches back.
 */
export function gatewaySuperviseCommand(io: CliIo): Command {
  const cmd: Command = new Command('supervise')
    .description('Run the gateway from A/B software slots under Outpost\'s supervisor (OTA updates with automatic switch-back)')
    .requiredOption('--root <dir>', 'the OTA folder: slots/a, slots/b, ota-state.json')
    .option('--health-timeout <s>', 'seconds a new version has to report healthy', seconds, 120)
    .option('--init <bundle>', 'install this software bundle (outpost.bundle/1 JSON) into slot a when no slot holds one yet')
    .argument('[args...]', 'arguments for the slot\'s entry, after --')
    .action(async (args: string[], flags: Flags) => {
      const { parseBundle, readOtaState, readSlot, unpackInto, writeOtaState } = await import('@outpost/gateway/ota/slots');
      const { startSupervisor } = await import('@outpost/gateway/ota/supervisor');
      if (!readSlot(flags.root, 'a') && !readSlot(flags.root, 'b')) {
        if (!flags.init) cmd.error(`error: --root ${flags.root}: no slot holds a software bundle yet; give --init <bundle.json> for the first one`, { exitCode: 2 });
        if (!existsSync(flags.init)) cmd.error(`error: --init ${flags.init}: no such file`, { exitCode: 2 });
        unpackInto(flags.root, 'a', parseBundle(readFileSync(flags.init), `--init ${flags.init}`));
        writeOtaState(flags.root, { active: 'a', trial: null, lastFailure: null });
      }
      // The supervised gateway gets the launcher's V8 memory limits, not its loader flags.
      const execArgv = process.execArgv.filter((a) => /^--max-(semi|old)-space-size=\d+$/.test(a));
      const sup = startSupervisor({ root: flags.root, healthTimeoutMs: flags.healthTimeout * 1000, args, execArgv, log: (m) => io.out(`supervisor: ${m}\n`) });
      io.out(`outpost gateway supervise: ${join(flags.root, 'slots', readOtaState(flags.root).active)} (${readSlot(flags.root, readOtaState(flags.root).active)?.version})\n`);
      const signal = await io.untilStopped();
      io.out(`${signal}: stopping the supervised gateway\n`);
      await sup.stop();
    });
  return cmd;
}
