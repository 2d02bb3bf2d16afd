/**
 * Name patterns in operator configs: exact names, or `*` wildcards (`line3-*`, `*_temp`).
 * Only `*` is special, and it becomes `.*` in an anchored regular expression with everything else
 * escaped — no user regex, so no catastrophic backtracking.
 */
export type NameMatcher = (name: string) => boolean;

export function nameMatcher(patterns: readonly string[] | undefined): NameMatcher | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*')).map((p) => new RegExp(`^${p.split('*').map(escape).join('.*')}$`));
  if (globs.length === 0) return (n) => exact.has(n);
  return (n) => exact.has(n) || globs.some((g) => g.test(n));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
