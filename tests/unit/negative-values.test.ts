// Delta and diff profiles carry negative values: totals are magnitudes as in pprof, the top
// table keeps signs, and the flame graph still has width to draw.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { protoWriter } from '../../src-main/formats/pprof/proto-writer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';
import { summarizeProfile } from '../../src-main/analysis/profile-summary';
import { tempDir } from '../helpers/paths';
import { gpwJson, pprofTop } from '../helpers/run';

function deltaProfile(): Uint8Array {
  const { w, message } = protoWriter();
  message(1, () => w.uint32(8).int64(1).uint32(16).int64(2));
  for (const [loc, v] of [[1, 100], [2, -130], [3, -20]]) {
    message(2, () => {
      w.uint32(10).fork().uint64(loc).uint64(4).ldelim();
      w.uint32(18).fork().int64(v).ldelim();
    });
  }
  for (let l = 1; l <= 4; l++) message(4, () => { w.uint32(8).uint64(l); message(4, () => w.uint32(8).uint64(l)); });
  for (let f = 1; f <= 4; f++) message(5, () => w.uint32(8).uint64(f).uint32(16).int64(2 + f));
  for (const s of ['', 'alloc_space', 'bytes', 'main.grow', 'main.shrink', 'main.other', 'main.root']) w.uint32(50).string(s);
  return w.finish();
}

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => (tmp = tempDir()));
afterAll(() => tmp.cleanup());

it('totals, top rows and flame graph widths of a profile with negative values', async () => {
  const bytes = deltaProfile();
  const file = `${tmp.dir}/delta.pb.gz`;
  writeFileSync(file, gzipSync(bytes));
  const p = decodePprof(bytes);
  const [pprof, ours] = await Promise.all([
    pprofTop(file, 'alloc_space', 'bytes', 0, ['-symbolize=none']),
    gpwJson<{ total: number; rows: { name: string; flat: number; cum: number }[] }>(`${tmp.dir}/lib.sqlite`, 'top', file, '--nodecount', '0'),
  ]);
  expect(pprof.total).toBe(250);
  expect(summarizeProfile(p).totals['alloc_space/bytes']).toBe(pprof.total);
  expect(ours.total).toBe(pprof.total);
  expect(ours.rows.map((r) => [r.name, r.flat, r.cum])).toEqual(pprof.rows.map((r) => [r.name, r.flat, r.cum]));
  const g = buildFlameGraph(p, 0);
  expect(g.totalValue).toBe(250);
  expect(Array.from(g.total).every((v) => v > 0)).toBe(true);
});
