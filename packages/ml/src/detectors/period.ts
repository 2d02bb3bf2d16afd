/**
 * Season length in samples: the lag of the strongest local autocorrelation peak in [4, n/2]
 * (capped at maxPeriod) that reaches `acfMin`; 0 when the series shows no clear season.
 * O(n · n/2), run once per stream after warm-up.
 */
export function detectPeriod(values: readonly number[], acfMin: number, maxPeriod: number): number {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  if (!(variance > 0)) return 0;
  const maxLag = Math.min(n >> 1, maxPeriod);
  const acf = new Float64Array(maxLag + 2);
  for (let lag = 1; lag <= maxLag + 1 && lag < n; lag++) {
    let c = 0;
    for (let i = lag; i < n; i++) c += (values[i]! - mean) * (values[i - lag]! - mean);
    acf[lag] = c / variance;
  }
  let bestLag = 0;
  let best = acfMin;
  for (let lag = 4; lag <= maxLag; lag++) {
    const a = acf[lag]!;
    if (a > best && a >= acf[lag - 1]! && a >= acf[lag + 1]!) { best = a; bestLag = lag; }
  }
  return bestLag;
}
