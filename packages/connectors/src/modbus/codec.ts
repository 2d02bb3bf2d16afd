/**
 * Modbus register codec: 16-bit register words <-> typed values, for every byte and word order.
 *
 * Modbus itself only defines 16-bit registers sent big-endian; how devices lay a 32-bit value or a
 * float across two registers varies by vendor. `byteOrder` is the byte order inside each register
 * (`big` = as the spec sends it), `wordOrder` which register holds the high half (`big` = first).
 * In the usual letter notation: ABCD = big/big, CDAB = big/little (word swap), BADC = little/big
 * (byte swap), DCBA = little/little.
 */

export type ByteOrder = 'big' | 'little';
export type RegisterType = 'bool' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32';

export const REGISTER_TYPES: readonly RegisterType[] = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32'];

/** How many 16-bit registers a type occupies (a bool read from a coil occupies one bit). */
export function registerWidth(type: RegisterType): 1 | 2 {
  return type === 'int32' || type === 'uint32' || type === 'float32' ? 2 : 1;
}

const swapBytes = (w: number): number => ((w & 0xff) << 8) | ((w >> 8) & 0xff);

/** Registers as received -> bytes in big-endian (ABCD) order, ready for Buffer's *BE readers. */
function toCanonicalBytes(words: readonly number[], byteOrder: ByteOrder, wordOrder: ByteOrder): Buffer {
  const ordered = wordOrder === 'big' ? words : [...words].reverse();
  const buf = Buffer.alloc(ordered.length * 2);
  ordered.forEach((w, i) => buf.writeUInt16BE(byteOrder === 'big' ? w : swapBytes(w), i * 2));
  return buf;
}

/** Big-endian (ABCD) bytes -> registers as the device would send them. */
function fromCanonicalBytes(buf: Buffer, byteOrder: ByteOrder, wordOrder: ByteOrder): number[] {
  const words: number[] = [];
  for (let i = 0; i < buf.length; i += 2) {
    const w = buf.readUInt16BE(i);
    words.push(byteOrder === 'big' ? w : swapBytes(w));
  }
  return wordOrder === 'big' ? words : words.reverse();
}

/**
 * Decode `registerWidth(type)` registers into a value. `bool` reads a register as non-zero;
 * coils and discrete inputs arrive as booleans and are not decoded here.
 */
export function decodeRegisters(words: readonly number[], type: RegisterType, byteOrder: ByteOrder = 'big', wordOrder: ByteOrder = 'big'): number | boolean {
  const width = registerWidth(type);
  if (words.length !== width) throw new RangeError(`${type} needs ${width} register(s), got ${words.length}`);
  const buf = toCanonicalBytes(words, byteOrder, wordOrder);
  switch (type) {
    case 'bool': return buf.readUInt16BE(0) !== 0;
    case 'int16': return buf.readInt16BE(0);
    case 'uint16': return buf.readUInt16BE(0);
    case 'int32': return buf.readInt32BE(0);
    case 'uint32': return buf.readUInt32BE(0);
    case 'float32': return shortestFloat32(buf.readFloatBE(0));
  }
}

/**
 * The shortest decimal that is the same float32: a device that holds 10.0991 sends the float32
 * nearest to it, which as a double reads 10.099100112915039; this returns 10.0991 again.
 */
export function shortestFloat32(f: number): number {
  if (!Number.isFinite(f)) return f;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/**
 * Encode a value into registers (the simulator's Modbus server uses this). Integers are rounded
 * and clamped to the type's range, as a device's firmware would saturate rather than wrap.
 */
export function encodeRegisters(value: number | boolean, type: RegisterType, byteOrder: ByteOrder = 'big', wordOrder: ByteOrder = 'big'): number[] {
  const buf = Buffer.alloc(registerWidth(type) * 2);
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  const int = (min: number, max: number) => Math.min(max, Math.max(min, Math.round(Number.isFinite(n) ? n : 0)));
  switch (type) {
    case 'bool': buf.writeUInt16BE(n ? 1 : 0, 0); break;
    case 'int16': buf.writeInt16BE(int(-0x8000, 0x7fff), 0); break;
    case 'uint16': buf.writeUInt16BE(int(0, 0xffff), 0); break;
    case 'int32': buf.writeInt32BE(int(-0x80000000, 0x7fffffff), 0); break;
    case 'uint32': buf.writeUInt32BE(int(0, 0xffffffff), 0); break;
    case 'float32': buf.writeFloatBE(n, 0); break;
  }
  return fromCanonicalBytes(buf, byteOrder, wordOrder);
}

/**
 * Engineering value from a raw register value: `raw * scale + offset`, rounded to 12 significant
 * digits so that e.g. 234 * 0.1 reads 23.4 rather than 23.400000000000002.
 */
export function applyScale(raw: number, scale: number, offset: number): number {
  if (scale === 1 && offset === 0) return raw;
  return Number((raw * scale + offset).toPrecision(12));
}

/** Raw register value for an engineering value (inverse of applyScale). */
export function removeScale(value: number, scale: number, offset: number): number {
  return (value - offset) / scale;
}
