// Child process for checkpointer.test.ts: commits under a background checkpointer that checkpoints
// as often as it can, then shuts down mid-load and exits. A crash at shutdown shows as a non-zero
// exit code or a signal.
import { GatewayStore } from './gateway-store.js';

const store = GatewayStore.open({ path: process.argv[2]!, checkpoint: 'background', checkpointIntervalMs: 1 });
const until = Date.now() + Number(process.argv[3] ?? 300);
let ts = 1_700_000_000_000;
const commitSome = () => {
  store.commit(Array.from({ length: 500 }, (_, i) => ({ device: 'd', metric: `m${i % 10}`, ts: ts++, value: i })));
  if (Date.now() < until) setImmediate(commitSome);
  else void store.shutdown().then(() => process.exit(0));
};
commitSome();
