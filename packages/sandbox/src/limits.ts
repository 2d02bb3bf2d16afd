/**
 * Default limits and their validation. Wall-clock defaults come from the product seed (5 s for
 * scripts, 30 s for processors, 32 MB memory); CPU time and output caps are Outpost's choice:
 * a transform of a batch of points needs microseconds, so a second of CPU is already abuse.
 */
import { OutpostError } from '@outpost/contract';
import type { SandboxLimits } from './types.js';

export const DEFAULT_SCRIPT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 5_000,
  cpuTimeMs: 1_000,
  memoryMb: 32,
  maxOutputBytes: 1_048_576,
  maxOutputPoints: 10_000,
  maxConsecutiveFailures: 5,
});

export const DEFAULT_PROCESSOR_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 30_000,
  cpuTimeMs: 10_000,
  memoryMb: 64,
  maxOutputBytes: 8_388_608,
  maxOutputPoints: 100_000,
  maxConsecutiveFailures: 5,
});

/** Allowed range of each limit: [min, max]. isolated-vm refuses heaps under 8 MB. */
const RANGES: Record<keyof SandboxLimits, [number, number]> = {
  timeoutMs: [1, 600_000],
  cpuTimeMs: [1, 600_000],
  memoryMb: [8, 4_096],
  maxOutputBytes: [64, 1_073_741_824],
  maxOutputPoints: [1, 10_000_000],
  maxConsecutiveFailures: [1, 1_000_000],
};

/** Merges `overrides` over `defaults`, refusing unknown keys and values outside their range. */
export function resolveLimits(overrides: Partial<SandboxLimits> | undefined, defaults: Readonly<SandboxLimits> = DEFAULT_SCRIPT_LIMITS, where = 'limits'): SandboxLimits {
  const out: SandboxLimits = { ...defaults };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in RANGES)) {
      throw new OutpostError('ERR_SCRIPT_INVALID', `${where}.${key} is not a known limit; expected one of ${Object.keys(RANGES).join(', ')}`, { key });
    }
    const k = key as keyof SandboxLimits;
    const [min, max] = RANGES[k];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new OutpostError('ERR_SCRIPT_INVALID', `${where}.${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, { key, value });
    }
    out[k] = value;
  }
  return out;
}
