// The yardstick: an aedes broker that only PUBACKs (no parsing, no store), with TCP_NODELAY like
// the gateway's broker. Prints its port as one JSON line.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker();
const server = createServer((socket) => { socket.setNoDelay(true); broker.handle(socket); });
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ pid: process.pid, port: addr.port })}\n`);
});
process.on('SIGTERM', () => { server.close(); broker.close(() => process.exit(0)); });
