// Varints as protobuf encodes int64: small, large, and negative (10-byte) values.
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs/minimal.js';
import { readVarint } from '../../src-main/formats/pprof/varint';

function encode(values: number[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const v of values) w.int64(v);
  return w.finish();
}

describe('readVarint', () => {
  it.each([
    [[0, 1, 127, 128, 300, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 + 5, 1e15, 2 ** 53 - 1]],
    [[-1, -5, -128, -(2 ** 31), -(2 ** 32) - 7, -1e15, -(2 ** 53) + 1]],
  ])('decodes %j exactly', (values) => {
    const bytes = encode(values);
    const reader = { buf: bytes, pos: 0, len: bytes.length };
    const out: number[] = [];
    while (reader.pos < reader.len) out.push(readVarint(reader));
    expect(out).toEqual(values);
    expect(reader.pos).toBe(bytes.length);
  });

  it('refuses a varint that runs past the data', () => {
    const bytes = encode([2 ** 40]);
    expect(() => readVarint({ buf: bytes, pos: 0, len: bytes.length - 1 })).toThrow(RangeError);
  });
});
