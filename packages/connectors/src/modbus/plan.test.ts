import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModbusConfig } from './config.js';
import { planReads, splitBlock } from './plan.js';

const regs = (list: Array<[string, number, string, string]>) =>
  parseModbusConfig({ devices: [{ device: 'd', host: 'h', registers: list.map(([metric, address, fn, type]) => ({ metric, address, function: fn, type })) }] }).devices[0]!.registers;

const summary = (blocks: ReturnType<typeof planReads>) => blocks.map((b) => `${b.function}@${b.address}+${b.length}:${b.registers.map((r) => r.metric).join(',')}`);

test('contiguous registers of one table share a read; tables and holes split reads', () => {
  const r = regs([['p', 0, 'holding', 'float32'], ['v', 2, 'holding', 'uint16'], ['i', 3, 'holding', 'int32'], ['far', 10, 'holding', 'uint16'], ['t', 2, 'input', 'int16'], ['on', 0, 'coil', 'bool'], ['alarm', 1, 'coil', 'bool']]);
  assert.deepEqual(summary(planReads(r)).sort(), ['coil@0+2:on,alarm', 'holding@0+5:p,v,i', 'holding@10+1:far', 'input@2+1:t']);
});

test('maxGap lets one read span unused registers', () => {
  const r = regs([['a', 0, 'holding', 'uint16'], ['b', 3, 'holding', 'uint16']]);
  assert.deepEqual(summary(planReads(r, 2)), ['holding@0+4:a,b']);
  assert.deepEqual(summary(planReads(r, 1)), ['holding@0+1:a', 'holding@3+1:b']);
});

test('a read never exceeds 125 registers', () => {
  const r = regs(Array.from({ length: 100 }, (_, i) => [`m${i}`, i * 2, 'holding', 'float32'] as [string, number, string, string]));
  const blocks = planReads(r);
  assert.deepEqual(blocks.map((b) => b.length), [124, 76]);
  assert.equal(blocks.flatMap((b) => b.registers).length, 100);
});

test('overlapping registers (one word read two ways) share the read', () => {
  const r = regs([['raw', 0, 'holding', 'uint16'], ['signed', 0, 'holding', 'int16'], ['wide', 0, 'holding', 'uint32']]);
  assert.deepEqual(summary(planReads(r)), ['holding@0+2:wide,raw,signed']);
});

test('splitBlock reads each register on its own', () => {
  const [block] = planReads(regs([['a', 0, 'holding', 'float32'], ['b', 2, 'holding', 'uint16']]));
  assert.deepEqual(summary(splitBlock(block!)), ['holding@0+2:a', 'holding@2+1:b']);
});
