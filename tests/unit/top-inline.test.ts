// pprof labels a function "(inline)" from the edges of the graph it reports: edges lighter than
// 0.1 % of the total are trimmed first. A function inlined heavily and called rarely is
// "(inline)", not "(partial-inline)". Checked against go tool pprof on the same file.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { protoWriter } from '../../src-main/formats/pprof/proto-writer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/paths';
import { gpwJson, pprofTop } from '../helpers/run';

/**
 * A gzipped pprof profile of one sample type (samples, count): functions 1..n named `names`,
 * locations (id, address, its functions innermost first: inlined frames before their caller),
 * samples (locations leaf first, value).
 */
function pprofBytes(names: string[], locations: [number, number, number[]][], samples: [number[], number][]): Uint8Array {
  const strings = ['', 'samples', 'count', ...names];
  const { w, message } = protoWriter();
  const line = (fn: number): void => message(4, () => w.uint32(8).uint64(fn).uint32(16).int64(10 + fn));
  message(1, () => w.uint32(8).int64(1).uint32(16).int64(2));
  for (const [locs, v] of samples) {
    message(2, () => {
      w.uint32(10).fork();
      for (const l of locs) w.uint64(l);
      w.ldelim();
      w.uint32(18).fork().int64(v).ldelim();
    });
  }
  for (const [id, address, fns] of locations) message(4, () => { w.uint32(8).uint64(id).uint32(24).uint64(address); fns.forEach(line); });
  for (let f = 1; f <= names.length; f++) message(5, () => w.uint32(8).uint64(f).uint32(16).int64(2 + f));
  for (const str of strings) w.uint32(50).string(str);
  return gzipSync(w.finish());
}

/** A → C inlined (heavy), B → C called (light), plus D called from B so B stays a node. */
function profileBytes(heavy: number, light: number): Uint8Array {
  return pprofBytes(
    ['main.A', 'main.B', 'main.C', 'main.D'],
    [[1, 0x1000, [3, 1]], [2, 0x2000, [3]], [3, 0x3000, [2]], [4, 0x4000, [4]]],
    [[[1], heavy], [[2, 3], light], [[4, 3], heavy]], // C inlined into A; B calls C; B calls D
  );
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

/**
 * A diff whose caller nets to nothing: main.run calls main.alloc in the new profile (+10) and, with
 * path/filepath.Join inlined into it, main.leaf in the base (−10). pprof lists neither main.run nor
 * main.main (flat and cum 0) but, cutting no node (the flat sum is 0, so is the cutoff), labels from
 * its whole graph, where the edge main.run → path/filepath.Join (inlined) still is: "(inline)".
 */
function diffSideBytes(side: 'new' | 'base'): Uint8Array {
  return pprofBytes(
    ['main.main', 'main.run', 'path/filepath.Join', 'main.alloc', 'main.leaf'],
    [[1, 0x1000, [3, 2]], [2, 0x2000, [1]], [3, 0x3000, [4]], [4, 0x4000, [2]], [5, 0x5000, [5]]],
    // main.main → main.run → main.alloc; main.main → main.run (path/filepath.Join inlined) → main.leaf
    side === 'new' ? [[[3, 4, 2], 10]] : [[[5, 1, 2], 10]],
  );
}

it('a diff whose caller nets to nothing: labelled from the callers pprof does not list, as pprof does', async () => {
  const [file, base] = [`${tmp.dir}/diff-new.pb.gz`, `${tmp.dir}/diff-base.pb.gz`];
  writeFileSync(file, diffSideBytes('new'));
  writeFileSync(base, diffSideBytes('base'));
  const [pprof, ours] = await Promise.all([
    pprofTop(file, 'samples', 'count', 0, ['-symbolize=none', `-diff_base=${base}`]),
    gpwJson<{ rows: { name: string; flat: number; cum: number; inline: string }[] }>(`${tmp.dir}/lib.sqlite`, 'top', file, '--diff-base', base, '--nodecount', '0'),
  ]);
  expect(ours.rows.map((r) => [r.name, r.flat, r.cum, r.inline])).toEqual(pprof.rows.map((r) => [r.name, r.flat, r.cum, r.inline]));
  expect(ours.rows.find((r) => r.name === 'path/filepath.Join')?.inline).toBe('inline');
  expect(ours.rows.some((r) => r.name === 'main.run')).toBe(false);
});
