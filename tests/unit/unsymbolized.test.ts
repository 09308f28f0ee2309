// Profiles with mappings but no symbols (stripped binaries, perf-style captures): the flame
// graph names frames by address, the top table groups them by binary as pprof does.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { protoWriter } from '../../src-main/formats/pprof/proto-writer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';
import { tempDir } from '../helpers/paths';
import { gpwJson, pprofTop } from '../helpers/run';

// profile.proto field numbers: Profile{1 sample_type, 2 sample, 3 mapping, 4 location, 6 string_table, 11 period_type, 12 period}
function unsymbolizedProfile(): Uint8Array {
  const strings = ['', 'samples', 'count', 'cpu', 'nanoseconds', '/opt/svc/bin/stripped', 'abc123'];
  const { w, message } = protoWriter();
  const msg = (field: number, build: (m: typeof w) => void): void => message(field, () => build(w));
  msg(1, (m) => m.uint32(8).int64(1).uint32(16).int64(2));
  msg(1, (m) => m.uint32(8).int64(3).uint32(16).int64(4));
  const stacks: [number[], number][] = [[[1, 2, 3], 7], [[4, 2, 3], 3], [[2, 3], 1]];
  for (const [locs, n] of stacks) {
    msg(2, (m) => {
      m.uint32(10).fork();
      for (const l of locs) m.uint64(l);
      m.ldelim();
      m.uint32(18).fork().int64(n).int64(n * 10_000_000).ldelim();
    });
  }
  msg(3, (m) => m.uint32(8).uint64(1).uint32(16).uint64(0x400000).uint32(24).uint64(0x800000).uint32(40).int64(5).uint32(48).int64(6));
  for (let id = 1; id <= 4; id++) msg(4, (m) => m.uint32(8).uint64(id).uint32(16).uint64(1).uint32(24).uint64(0x401000 + id * 0x40));
  for (const s of strings) w.uint32(50).string(s);
  msg(11, (m) => m.uint32(8).int64(3).uint32(16).int64(4));
  w.uint32(96).int64(10_000_000);
  return w.finish();
}

let tmp: ReturnType<typeof tempDir>;
let file: string;
beforeAll(() => {
  tmp = tempDir();
  file = `${tmp.dir}/stripped.pb.gz`;
  writeFileSync(file, gzipSync(unsymbolizedProfile()));
});
afterAll(() => tmp.cleanup());

it('names unsymbolized frames by address in the flame graph', () => {
  const p = decodePprof(unsymbolizedProfile());
  const g = buildFlameGraph(p, 1);
  expect(g.totalValue).toBe(110_000_000);
  const names = Array.from(g.nameIndex, (i) => g.names[i]);
  expect(names).toContain('0x4010c0 [stripped]');
  expect(names).toContain('0x401040 [stripped]');
  expect(names.filter((n) => n.startsWith('0x')).length).toBe(4); // 3 → 2 → {1, 4}; the stack 3 → 2 merges into it
});

it('matches go tool pprof -top on the same stripped profile', async () => {
  const lib = `${tmp.dir}/lib.sqlite`;
  const [pprof, ours] = await Promise.all([
    pprofTop(file, 'cpu', 'nanoseconds', 0, ['-symbolize=none']),
    gpwJson<{ total: number; rows: { name: string; flat: number; cum: number }[] }>(lib, 'top', file, '--nodecount', '0'),
  ]);
  expect(ours.total).toBe(pprof.total);
  expect(ours.rows.map((r) => [r.name, r.flat, r.cum])).toEqual(pprof.rows.map((r) => [r.name, r.flat, r.cum]));
});
