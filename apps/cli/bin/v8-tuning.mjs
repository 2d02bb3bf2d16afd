// Imported first by the `outpost` launcher (and preloaded by benchmark children, `node --import`):
// V8 settings that cannot go on the launcher's `#!` line because Node refuses them in NODE_OPTIONS,
// which is how services and benchmarks pass those flags on.
//
// --no-allocation-site-pretenuring. V8 decides once per allocation site (object or array literal)
// whether its objects are born in the old generation, from how many survived the first young-
// generation collections at full new-space size — and that decision is final. A gateway that starts
// under load has a backlog then, so the per-message sites (decoded messages, points, candidates)
// look long-lived and are tenured for the rest of the process: each new message's objects are
// born old and keep the young objects they point to alive, ~1.9 MB promoted per scavenge and 5-9 ms
// pauses instead of ~2 ms at 10k points/s (docs/alerts.md, Benchmark). Off, bench:alerts' p99 at
// 10k/s went from 13 to 10 ms and its CPU per 1,000 points from ~50 to ~44 ms; four interleaved
// bench:ingest pairs showed no loss (2026-11-23). Set before anything else is loaded, so no site
// has been decided yet. OUTPOST_V8_PRETENURING=1 leaves V8's default (to compare, or for a gateway
// that only ingests with QoS 1, whose in-flight messages do live until their commit).
import v8 from 'node:v8';

if (process.env.OUTPOST_V8_PRETENURING !== '1') v8.setFlagsFromString('--no-allocation-site-pretenuring');
