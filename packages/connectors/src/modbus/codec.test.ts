import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyScale, decodeRegisters, encodeRegisters, removeScale, shortestFloat32, type ByteOrder, type RegisterType } from './codec.js';

// Known byte layouts, written out by hand from the big-endian bytes (checked with Python's
// struct.pack): ABCD = byte big/word big, CDAB = big/little, BADC = little/big, DCBA = little/little.
const orders: Array<[string, ByteOrder, ByteOrder]> = [['ABCD', 'big', 'big'], ['CDAB', 'big', 'little'], ['BADC', 'little', 'big'], ['DCBA', 'little', 'little']];
const fixtures: Array<{ type: RegisterType; value: number; words: Record<string, number[]> }> = [
  // 123.456 as float32 = 0x42F6E979 (the double 123.45600128173828, read back as 123.456)
  { type: 'float32', value: 123.456, words: { ABCD: [0x42f6, 0xe979], CDAB: [0xe979, 0x42f6], BADC: [0xf642, 0x79e9], DCBA: [0x79e9, 0xf642] } },
  // -123456789 = 0xF8A432EB
  { type: 'int32', value: -123456789, words: { ABCD: [0xf8a4, 0x32eb], CDAB: [0x32eb, 0xf8a4], BADC: [0xa4f8, 0xeb32], DCBA: [0xeb32, 0xa4f8] } },
  // 3000000000 = 0xB2D05E00 (above int32 range: must not come back negative)
  { type: 'uint32', value: 3000000000, words: { ABCD: [0xb2d0, 0x5e00], CDAB: [0x5e00, 0xb2d0], BADC: [0xd0b2, 0x005e], DCBA: [0x005e, 0xd0b2] } },
  // -1234 = 0xFB2E; word order does not apply to one register
  { type: 'int16', value: -1234, words: { ABCD: [0xfb2e], CDAB: [0xfb2e], BADC: [0x2efb], DCBA: [0x2efb] } },
  // 51966 = 0xCAFE (above int16 range)
  { type: 'uint16', value: 51966, words: { ABCD: [0xcafe], CDAB: [0xcafe], BADC: [0xfeca], DCBA: [0xfeca] } },
];

for (const f of fixtures) {
  for (const [name, byteOrder, wordOrder] of orders) {
    test(`${f.type} ${name}: decodes the known layout and encodes back to it`, () => {
      assert.equal(decodeRegisters(f.words[name]!, f.type, byteOrder, wordOrder), f.value);
      assert.deepEqual(encodeRegisters(f.value, f.type, byteOrder, wordOrder), f.words[name]);
    });
  }
}

test('float32 reads as the shortest decimal that is the same float32, never as double noise', () => {
  assert.equal(shortestFloat32(Math.fround(10.0991)), 10.0991);
  assert.equal(shortestFloat32(Math.fround(0.1)), 0.1);
  assert.equal(shortestFloat32(Math.fround(16777217)), 16777216);
  assert.equal(decodeRegisters(encodeRegisters(-0.0001234, 'float32'), 'float32'), -0.0001234);
  assert.ok(Number.isNaN(decodeRegisters([0x7fc0, 0], 'float32')), 'NaN from a device stays NaN (ingest rejects it)');
});

test('bool reads a register as non-zero', () => {
  assert.equal(decodeRegisters([0], 'bool'), false);
  assert.equal(decodeRegisters([0x0100], 'bool', 'little'), true);
  assert.deepEqual(encodeRegisters(true, 'bool'), [1]);
});

test('decoding the wrong number of registers is an error, not a silent misread', () => {
  assert.throws(() => decodeRegisters([1], 'float32'), /float32 needs 2 register/);
  assert.throws(() => decodeRegisters([1, 2], 'int16'), /int16 needs 1 register/);
});

test('encoding saturates integers at the type range instead of wrapping', () => {
  assert.deepEqual(encodeRegisters(70000, 'uint16'), [0xffff]);
  assert.deepEqual(encodeRegisters(-5, 'uint16'), [0]);
  assert.deepEqual(encodeRegisters(-40000, 'int16'), [0x8000]);
  assert.deepEqual(encodeRegisters(12.6, 'int16'), [13]);
});

test('scale and offset: value = raw * scale + offset, without float noise, and invertible', () => {
  assert.equal(applyScale(234, 0.1, 0), 23.4);
  assert.equal(applyScale(1000, 0.01, -40), -30);
  assert.equal(applyScale(7, 1, 0), 7);
  assert.equal(removeScale(-30, 0.01, -40), 1000);
});
