import { readFileSync } from 'node:fs';
import { OutpostError } from '@outpost/contract';
import type { AlertEngine } from '@outpost/alerts';

/** Where a rule set's rules are named in errors: `rule set "<name>".rules[i]…`. */
const pathOf = (name: string) => `rule set ${JSON.stringify(name)}.rules`;

/**
 * Alert rule sets delivered by the hub (`rule` artifacts: a JSON `{ "rules": [...] }` or a bare
 * array, the same rule objects as gateway.alerts.rules), run beside the config's rules by the one
 * engine. Activating or removing a set recompiles all rules first: a bad set is refused with an
 * error naming it and the running rules stay as they were.
 */
export class GatewayRuleSets {
  private readonly sets = new Map<string, readonly unknown[]>();

  constructor(private readonly engine: AlertEngine, private readonly configRules: readonly unknown[], private readonly onActionsChanged: () => Promise<void>) {}

  async set(name: string, rules: readonly unknown[] | null): Promise<void> {
    const next = new Map(this.sets);
    if (rules === null) next.delete(name);
    else next.set(name, rules);
    this.engine.setRules([{ path: 'gateway.alerts.rules', rules: this.configRules }, ...[...next].map(([n, r]) => ({ path: pathOf(n), rules: r }))]);
    this.sets.clear();
    for (const [n, r] of next) this.sets.set(n, r);
    await this.onActionsChanged();
  }

  /** Every rule now configured (config first, then the sets by name). */
  all(): unknown[] {
    return [...this.configRules, ...[...this.sets.values()].flat()];
  }

  names(): string[] { return [...this.sets.keys()]; }
}

/** The rules of a rule-set file. */
export function parseRuleSet(text: string, name: string): unknown[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) {
    throw new OutpostError('ERR_CONFIG_INVALID', `${pathOf(name)}: the rule set is not valid JSON (${(e as Error).message})`, { path: pathOf(name) });
  }
  const rules = Array.isArray(doc) ? doc : (doc as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new OutpostError('ERR_CONFIG_INVALID', `${pathOf(name)}: expected { "rules": [ … ] } or an array of rules`, { path: pathOf(name) });
  return rules;
}

/**
 * The `reload` hook for the artifact agent's file-drop installer of `rule` artifacts:
 * `fileDropInstaller({ dir, reload: ruleSetReloader(() => alerts?.ruleSets) })`. Throws (so the
 * agent keeps the previous version) when the set does not compile or alerts are disabled.
 */
export function ruleSetReloader(ruleSets: () => GatewayRuleSets | undefined): (name: string, file: string | null) => Promise<void> {
  return async (name, file) => {
    const sets = ruleSets();
    if (!sets) throw new OutpostError('ERR_CONFIG_INVALID', `rule set ${JSON.stringify(name)} cannot run: gateway.alerts.enabled is false`);
    await sets.set(name, file === null ? null : parseRuleSet(readFileSync(file, 'utf8'), name));
  };
}
