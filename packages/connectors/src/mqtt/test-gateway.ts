/**
 * Test support (not shipped behaviour): a real SQLite store and the real ingestor in a temp
 * folder, so MQTT tests check what is on disk, not what a mock saw.
 */
import { join } from 'node:path';
import { GatewayStore } from '@outpost/storage';
import { createIngestor } from '@outpost/ingest';
import { tempDir } from '@outpost/testing';
import type { TestContext } from 'node:test';

export type TestStoreOptions = Omit<Parameters<typeof GatewayStore.open>[0], 'path'>;

export function openTestGateway(t: TestContext, storeOptions: TestStoreOptions = {}) {
  const tmp = tempDir('outpost-mqtt-');
  const path = join(tmp.dir, 'gateway.db');
  const store = GatewayStore.open({ ...storeOptions, path });
  const ingestor = createIngestor({ store });
  t.after(async () => {
    await ingestor.close();
    await store.close();
    tmp.cleanup();
  });
  return { store, ingestor, path };
}

/** A topic prefix no other test (or parallel run) uses. */
export function uniquePrefix(name: string): string {
  return `outpost-test/${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Fill a size-capped store until not even one more point fits (models a full disk). */
export function fillStore(store: GatewayStore): void {
  let n = 0;
  for (const size of [1000, 100, 10, 1]) {
    for (;;) {
      try {
        store.commit(Array.from({ length: size }, () => ({ device: 'filler', metric: 'fill', ts: ++n, value: n })));
      } catch {
        break;
      }
    }
  }
}
