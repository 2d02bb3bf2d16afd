import { readFileSync } from 'node:fs';

const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat times are in these ticks

/** CPU time (user + system) of a process in ms, from /proc. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Resident set size of a process in MiB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Samples a process's RSS every `everyMs` and keeps the peak. */
export function peakRss(pid: number, everyMs = 100) {
  let peak = 0;
  const t = setInterval(() => { try { peak = Math.max(peak, rssMb(pid)); } catch { /* exited */ } }, everyMs);
  return { stop: () => { clearInterval(t); return peak; }, peek: () => peak };
}
