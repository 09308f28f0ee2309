// pprof labels a function "(inline)" from the edges of the graph it reports: edges lighter than
// 0.1 % of the total are trimmed first. A function inlined heavily and called rarely is
// "(inline)", not "(partial-inline)". Checked against go tool pprof on the same file.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { protoWriter } from '../../src-main/formats/pprof/proto-writer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/paths';
import { gpwJson, pprofTop } from '../helpers/run';

/** A → C inlined (heavy), B → C called (light), plus D called from B so B stays a node. */
function profileBytes(heavy: number, light: number): Uint8Array {
  const strings = ['', 'samples', 'count', 'main.A', 'main.B', 'main.C', 'main.D'];
  const { w, message } = protoWriter();
  const line = (fn: number): void => message(4, () => w.uint32(8).uint64(fn).uint32(16).int64(10 + fn));
  message(1, () => w.uint32(8).int64(1).uint32(16).int64(2));
  const sample = (locs: number[], v: number): void =>
    message(2, () => {
      w.uint32(10).fork();
      for (const l of locs) w.uint64(l);
      w.ldelim();
      w.uint32(18).fork().int64(v).ldelim();
    });
  sample([1], heavy); // C inlined into A
  sample([2, 3], light); // B calls C
  sample([4, 3], heavy); // B calls D
  message(4, () => { w.uint32(8).uint64(1).uint32(24).uint64(0x1000); line(3); line(1); });
  message(4, () => { w.uint32(8).uint64(2).uint32(24).uint64(0x2000); line(3); });
  message(4, () => { w.uint32(8).uint64(3).uint32(24).uint64(0x3000); line(2); });
  message(4, () => { w.uint32(8).uint64(4).uint32(24).uint64(0x4000); line(4); });
  for (let f = 1; f <= 4; f++) message(5, () => w.uint32(8).uint64(f).uint32(16).int64(2 + f));
  for (const s of strings) w.uint32(50).string(s);
  return gzipSync(w.finish());
}

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => (tmp = tempDir()));
afterAll(() => tmp.cleanup());

it.each([
  ['a light call edge is trimmed: (inline)', 10_000, 1],
  ['a heavy call edge stays: (partial-inline)', 10_000, 500],
])('%s', async (_what, heavy, light) => {
  const file = `${tmp.dir}/inline-${light}.pb.gz`;
  writeFileSync(file, profileBytes(heavy, light));
  const [pprof, ours] = await Promise.all([
    pprofTop(file, 'samples', 'count', 0, ['-symbolize=none']),
    gpwJson<{ rows: { name: string; flat: number; cum: number; inline: string }[] }>(`${tmp.dir}/lib.sqlite`, 'top', file, '--nodecount', '0'),
  ]);
  expect(ours.rows.map((r) => [r.name, r.flat, r.cum, r.inline])).toEqual(pprof.rows.map((r) => [r.name, r.flat, r.cum, r.inline]));
  expect(ours.rows.find((r) => r.name === 'main.C')?.inline).toBe(light === 1 ? 'inline' : 'partial-inline');
});
