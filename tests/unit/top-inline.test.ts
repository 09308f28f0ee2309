// pprof labels a function "(inline)" from the edges of the graph it reports: edges lighter than
// 0.1 % of the total are trimmed first. A function inlined heavily and called rarely is
// "(inline)", not "(partial-inline)". Checked against go tool pprof on the same file.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/paths';
import { gpwJson, pprofTop } from '../helpers/run';
import { diffSideBytes, pprofBytes } from '../helpers/pprof-bytes';

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
