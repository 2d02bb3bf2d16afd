/**
 * The simulator's Modbus TCP server (modbus-serial's ServerTCP): each device answers on its own
 * unit id from a register image the simulator refreshes every step. Addresses outside the map get
 * exception 0x02 (illegal data address), as a real device answers; a device in a drop-out, or an
 * unknown unit id, gets 0x0B (gateway target device failed to respond).
 */
import ModbusSerial from 'modbus-serial';

const { ServerTCP } = ModbusSerial;

export const ILLEGAL_DATA_ADDRESS = 0x02;
export const TARGET_FAILED_TO_RESPOND = 0x0b;

export interface RegisterImage {
  holding: Map<number, number>;
  coils: Map<number, boolean>;
  discrete: Map<number, boolean>;
  /** False while the device is in a drop-out. */
  online: boolean;
}

export const emptyImage = (): RegisterImage => ({ holding: new Map(), coils: new Map(), discrete: new Map(), online: true });

class ModbusException extends Error {
  constructor(readonly modbusErrorCode: number, message: string) {
    super(message);
  }
}

export interface SimModbusServer {
  readonly host: string;
  readonly port: number;
  /** Register and bit values served so far. */
  readonly valuesServed: () => number;
  close(): Promise<void>;
}

export async function startModbusServer(images: ReadonlyMap<number, RegisterImage>, opts: { host?: string; port?: number } = {}): Promise<SimModbusServer> {
  const host = opts.host ?? '127.0.0.1';
  let served = 0;
  const unit = (unitId: number): RegisterImage => {
    const img = images.get(unitId);
    if (!img || !img.online) throw new ModbusException(TARGET_FAILED_TO_RESPOND, `unit ${unitId} does not respond`);
    return img;
  };
  const read = <T>(table: Map<number, T>, addr: number): T => {
    const v = table.get(addr);
    if (v === undefined) throw new ModbusException(ILLEGAL_DATA_ADDRESS, `address ${addr} is not mapped`);
    served++;
    return v;
  };
  const illegal = (addr: number): never => { throw new ModbusException(ILLEGAL_DATA_ADDRESS, `address ${addr} is not mapped`); };
  const vector = {
    getHoldingRegister: (addr: number, unitId: number) => read(unit(unitId).holding, addr),
    getMultipleHoldingRegisters: (addr: number, length: number, unitId: number) => {
      const img = unit(unitId);
      return Array.from({ length }, (_, i) => read(img.holding, addr + i));
    },
    getCoil: (addr: number, unitId: number) => read(unit(unitId).coils, addr),
    getDiscreteInput: (addr: number, unitId: number) => read(unit(unitId).discrete, addr),
    getInputRegister: (addr: number) => illegal(addr),
    getMultipleInputRegisters: (addr: number) => illegal(addr),
  };
  // ServerTCP treats a falsy port as 502; the string '0' is truthy and net.listen reads it as
  // "any free port", which is what tests and `outpost dev` need.
  const server = new ServerTCP(vector, { host, port: (opts.port ?? 0) === 0 ? ('0' as unknown as number) : opts.port!, unitID: 255 });
  // Unhandled 'error' events would crash the process; per-socket errors are the client's problem.
  server.on('socketError', () => undefined);
  server.on('error', () => undefined);
  // ServerTCP does not expose the bound address; its net.Server is the only place to read it.
  const inner = (server as unknown as { _server: import('node:net').Server })._server;
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
  });
  server.on('serverError', () => undefined);
  const addr = inner.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    host,
    port,
    valuesServed: () => served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
