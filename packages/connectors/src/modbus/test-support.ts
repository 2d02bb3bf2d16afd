/**
 * Test support (used by *.test.ts only): a real modbus-serial ServerTCP on 127.0.0.1, plus a
 * real SQLite store and ingestor in a temporary folder.
 */
import type { Server } from 'node:net';
import ModbusSerial from 'modbus-serial';
import { GatewayStore } from '@outpost/storage';
import { createIngestor } from '@outpost/ingest';
import { tempDir } from '@outpost/testing';
import type { IServiceVector } from 'modbus-serial';

export interface TestServer { port: number; close(): Promise<void> }

/** Start a ServerTCP; port 0 picks a free port (ServerTCP treats a numeric 0 as 502, so pass '0'). */
export async function startServer(vector: IServiceVector, port = 0): Promise<TestServer> {
  const server = new ModbusSerial.ServerTCP(vector, { host: '127.0.0.1', port: String(port) as unknown as number, unitID: 255 });
  server.on('socketError', () => undefined);
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
  });
  const addr = (server as unknown as { _server: Server })._server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function openStore() {
  const tmp = tempDir('outpost-modbus-');
  const store = GatewayStore.open({ path: `${tmp.dir}/gateway.db` });
  const ingestor = createIngestor({ store });
  return {
    store,
    ingestor,
    async close() {
      await ingestor.close();
      store.close();
      tmp.cleanup();
    },
  };
}

/** A Modbus exception as ServerTCP expects it from a vector function. */
export function modbusException(code: number): Error {
  return Object.assign(new Error(`modbus exception ${code}`), { modbusErrorCode: code });
}
