/**
 * Name patterns in operator configs: exact names, or `*` wildcards (`line3-*`, `*_temp`).
 * Matching uses the classic two-pointer wildcard algorithm — at most O(name × pattern) steps,
 * unlike a regular expression with several `.*`, which can backtrack exponentially on a hostile pattern.
 */
export type NameMatcher = (name: string) => boolean;

export function nameMatcher(patterns: readonly string[] | undefined): NameMatcher | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*'));
  if (globs.length === 0) return (n) => exact.has(n);
  return (n) => exact.has(n) || globs.some((g) => wildcardMatch(g, n));
}

export function wildcardMatch(pattern: string, name: string): boolean {
  let p = 0, n = 0, star = -1, mark = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === name[n]) { p++; n++; }
    else if (p < pattern.length && pattern[p] === '*') { star = p++; mark = n; }
    else if (star >= 0) { p = star + 1; n = ++mark; }
    else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
