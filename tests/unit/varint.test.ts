// Packed varints as protobuf encodes int64: small, large, and negative (10-byte) values.
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs/minimal.js';
import { readPackedVarints } from '../../src-main/formats/pprof/varint';

function encode(values: (number | string)[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const v of values) w.int64(v as number);
  return w.finish();
}

describe('readPackedVarints', () => {
  it.each([
    [[0, 1, 127, 128, 300, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 + 5, 1e15, 2 ** 53 - 1]],
    [[-1, -5, -128, -(2 ** 31), -(2 ** 32) - 7, -1e15, -(2 ** 53) + 1]],
  ])('decodes %j exactly', (values) => {
    const bytes = encode(values);
    const out: number[] = [];
    expect(readPackedVarints(bytes, 0, bytes.length, (v) => out.push(v))).toBe(bytes.length);
    expect(out).toEqual(values);
  });

  it('refuses a varint that runs past its field', () => {
    const bytes = encode([2 ** 40]);
    expect(() => readPackedVarints(bytes, 0, bytes.length - 1, () => {})).toThrow(RangeError);
  });
});
