/**
 * Read planning: group a device's registers into as few Modbus requests as the protocol allows.
 * Registers of one table that are contiguous (or within `maxGap` unused registers) share one
 * request, up to the protocol's per-request limits (125 registers, 2000 bits).
 */
import { registerWidth } from './codec.js';
import type { RegisterFunction } from './config-schema.js';
import type { ModbusRegister } from './config.js';

/** Protocol limits per read request (Modbus application protocol v1.1b3, FC1–FC4). */
export const MAX_READ_REGISTERS = 125;
export const MAX_READ_BITS = 2000;

export interface ReadBlock {
  function: RegisterFunction;
  address: number;
  /** Registers (or bits, for coil/discrete) to read. */
  length: number;
  registers: ModbusRegister[];
}

export const isBitTable = (fn: RegisterFunction): boolean => fn === 'coil' || fn === 'discrete';

/** Registers or bits a mapped register spans. */
export function span(r: ModbusRegister): number {
  return isBitTable(r.function) ? 1 : registerWidth(r.type);
}

export function planReads(registers: readonly ModbusRegister[], maxGap = 0): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  const byTable = new Map<RegisterFunction, ModbusRegister[]>();
  for (const r of registers) byTable.set(r.function, [...(byTable.get(r.function) ?? []), r]);
  for (const [fn, regs] of byTable) {
    const limit = isBitTable(fn) ? MAX_READ_BITS : MAX_READ_REGISTERS;
    const sorted = [...regs].sort((a, b) => a.address - b.address || span(b) - span(a));
    let cur: ReadBlock | undefined;
    for (const r of sorted) {
      const end = r.address + span(r);
      if (cur && r.address <= cur.address + cur.length + maxGap && Math.max(end, cur.address + cur.length) - cur.address <= limit) {
        cur.length = Math.max(end, cur.address + cur.length) - cur.address;
        cur.registers.push(r);
      } else {
        cur = { function: fn, address: r.address, length: span(r), registers: [r] };
        blocks.push(cur);
      }
    }
  }
  return blocks;
}

/** One block per register: the fallback when a coalesced read hits an illegal address. */
export function splitBlock(block: ReadBlock): ReadBlock[] {
  return block.registers.map((r) => ({ function: block.function, address: r.address, length: span(r), registers: [r] }));
}
