// pprof ids are uint64: ids past 2^53 and with the top bit set must be read exactly, and a
// reference to an id that is not defined must be refused, not charged to another location.
import protobuf from 'protobufjs/minimal.js';
import { protoWriter } from '../../src-main/formats/pprof/proto-writer';
import { describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';

const MAX_U64 = '18446744073709551615';
const BIG = '9007199254740993'; // 2^53 + 1: not a double

/** A one-function CPU-like profile whose locations have the given ids; samples list location ids. */
function profileWith(locationIds: string[], samples: string[][]): Uint8Array {
  const { w, message } = protoWriter();
  message(1, () => w.uint32(8).int64(1).uint32(16).int64(2));
  for (const locs of samples) {
    message(2, () => {
      w.uint32(10).fork();
      for (const id of locs) w.uint64(id as unknown as number);
      w.ldelim();
      w.uint32(18).fork().int64(1).ldelim();
    });
  }
  locationIds.forEach((id, i) => message(4, () => {
    w.uint32(8).uint64(id as unknown as number);
    message(4, () => w.uint32(8).uint64(i + 1));
  }));
  locationIds.forEach((_, i) => message(5, () => w.uint32(8).uint64(i + 1).uint32(16).int64(3 + i)));
  for (const s of ['', 'samples', 'count', ...locationIds.map((_, i) => `fn${i}`)]) w.uint32(50).string(s);
  return w.finish();
}

describe('uint64 ids', () => {
  it('reads location ids past 2^53 and with the top bit set exactly', () => {
    const p = decodePprof(profileWith([MAX_U64, BIG, '7'], [[MAX_U64, '7'], [BIG, '7']]));
    const g = buildFlameGraph(p, 0);
    const names = Array.from(g.nameIndex, (i) => g.names[i]);
    expect(names).toEqual(['root', 'fn2', 'fn0', 'fn1']);
  });

  it('refuses a sample that names an undefined id instead of charging another location', () => {
    expect(() => decodePprof(profileWith(['1'], [[MAX_U64]]))).toThrow(/location id 18446744073709551615, which is not defined/);
    expect(() => decodePprof(profileWith(['9007199254740992'], [[BIG]]))).toThrow(/not defined/);
  });
});

describe('nested lengths', () => {
  it('refuses a line whose length runs past its location', () => {
    const w = protobuf.Writer.create();
    w.uint32(10).fork().uint32(8).int64(1).uint32(16).int64(2).ldelim(); // sample_type
    // location { id: 1, line: <length 5 but only 0 bytes left in the location> }
    w.uint32(34).bytes(Uint8Array.from([0x08, 0x01, 0x22, 0x05]));
    for (const s of ['', 'samples', 'count', 'padding-so-the-buffer-is-long-enough']) w.uint32(50).string(s);
    expect(() => decodePprof(w.finish())).toThrow(/a location line at byte \d+ runs past the message that holds it/);
  });

  it('refuses a scalar field with the wrong wire type', () => {
    const w = protobuf.Writer.create();
    w.uint32(10).fork().uint32(8).int64(1).uint32(16).int64(2).ldelim();
    w.uint32((9 << 3) | 2).bytes(Uint8Array.from([1, 2, 3])); // time_nanos as bytes
    for (const s of ['', 'samples', 'count']) w.uint32(50).string(s);
    expect(() => decodePprof(w.finish())).toThrow(/time_nanos has wire type 2/);
  });
});
