// gpw export against the reference tools: an exported pprof file of any view (plain, filtered,
// merged, diffed, normalized) read by `go tool pprof -top` gives the same total and rows as pprof
// computing that view from the original files; folded stacks hold the stacks of
// `go tool pprof -traces`; the SVG parses and draws the functions in the diff colours pprof's
// signs call for; the PNG decodes to the requested size with the root bar and dark label text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import { goProfile, tempDir } from '../helpers/paths';
import { gpw, gpwJson, pprofTop } from '../helpers/run';
import { ensureProfilePairs, pairProfile } from '../helpers/profpair';
import { viewFlags, type TopView } from '../helpers/top-vs-pprof';
import { pprofTraces, traceStacks } from '../helpers/pprof-traces';
import { decodePng } from '../helpers/png';
import { GROWTH_COLOR, ROOT_COLOR, SHRINK_COLOR } from '../../src-main/analysis/flame-colors';

let tmp: ReturnType<typeof tempDir>;
let lib: string;
beforeAll(async () => {
  tmp = tempDir('gpw-export-');
  lib = join(tmp.dir, 'lib.sqlite');
  await ensureProfilePairs();
});
afterAll(() => tmp.cleanup());

let n = 0;
/** gpw export of files[0] with files[1..] merged and the view's flags; the written file's path. */
async function exportView(files: string[], format: string, view: TopView, extra: string[] = []): Promise<string> {
  const out = join(tmp.dir, `export-${n++}.${format}`);
  const merge = files.slice(1).flatMap((f) => ['--merge', f]);
  const res = await gpwJson<{ file: string; bytes: number }>(lib, 'export', files[0], ...merge, '--format', format, '--out', out, ...viewFlags(view).gpw, ...extra);
  expect(res.file).toBe(out);
  expect(readFileSync(out).length).toBe(res.bytes);
  return out;
}

const rows = (t: { rows: { name: string; flat: number; cum: number }[] }): [string, number, number][] =>
  t.rows.map((r) => [r.name, r.flat, r.cum] as [string, number, number]).sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe('pprof export round-trips through go tool pprof -top', () => {
  const CASES: { name: string; files: () => string[]; samples: [string, string][]; view: TopView; filtered?: boolean }[] = [
    { name: 'a CPU profile', files: () => [goProfile('cpu')], samples: [['cpu', 'nanoseconds']], view: {} },
    { name: 'a heap profile, every sample type', files: () => [goProfile('heap')], samples: [['inuse_space', 'bytes'], ['alloc_objects', 'count']], view: {} },
    { name: 'a focused and hidden CPU view', files: () => [pairProfile('cpu-a')], samples: [['cpu', 'nanoseconds']], view: { focus: 'main\\.', hide: 'runtime/pprof' }, filtered: true },
    { name: 'an ignore + tagfocus CPU view', files: () => [goProfile('cpu')], samples: [['cpu', 'nanoseconds']], view: { ignore: 'fib', tagfocus: 'worker=hash|sort' }, filtered: true },
    { name: 'two heap profiles merged', files: () => [pairProfile('heap-a'), pairProfile('heap-b')], samples: [['alloc_space', 'bytes']], view: {} },
    { name: 'a CPU diff', files: () => [pairProfile('cpu-b')], samples: [['cpu', 'nanoseconds']], view: { diffBase: pairProfile('cpu-a') } },
    { name: 'a normalized heap diff', files: () => [pairProfile('heap-b')], samples: [['alloc_space', 'bytes']], view: { diffBase: pairProfile('heap-a'), normalize: true } },
  ];

  it.each(CASES)('$name', async ({ files, samples, view, filtered }) => {
    const exported = await exportView(files(), 'pprof', view);
    for (const [sample, unit] of samples) {
      const [ref, back] = await Promise.all([
        pprofTop(files(), sample, unit, 0, ['-nodefraction=0', ...viewFlags(view).pprof]),
        pprofTop(exported, sample, unit, 0, ['-nodefraction=0']),
      ]);
      expect(ref.rows.length, sample).toBeGreaterThan(2);
      expect(rows(back), sample).toEqual(rows(ref));
      // pprof's total is taken before filters; the exported file holds only what passed them.
      const shown = (t: typeof ref): number => t.rows.reduce((s, r) => s + r.flat, 0);
      if (filtered) expect(back.total, sample).toBe(shown(ref));
      else expect(back.total, sample).toBe(ref.total);
    }
  });
});

describe('folded stacks export', () => {
  it.each([
    { name: 'CPU', files: () => [goProfile('cpu')], sample: 'cpu', unit: 'nanoseconds', view: {} },
    { name: 'CPU focused', files: () => [goProfile('cpu')], sample: 'cpu', unit: 'nanoseconds', view: { focus: 'sort' } },
    { name: 'merged heaps', files: () => [pairProfile('heap-a'), pairProfile('heap-b')], sample: 'alloc_space', unit: 'bytes', view: {} },
  ])('$name: the stacks of pprof -traces', async ({ files, sample, unit, view }) => {
    const out = await exportView(files(), 'collapsed', view, ['--sample-index', sample]);
    const folded = new Map<string, number>();
    for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
      const m = /^(.*) (-?\d+)$/.exec(line);
      expect(m, line).not.toBeNull();
      folded.set(m![1], (folded.get(m![1]) ?? 0) + Number(m![2]));
    }
    const traces = await pprofTraces(files(), sample, unit, viewFlags(view).pprof);
    expect(folded).toEqual(traceStacks(traces));
  });
});

describe('flame graph pictures', () => {
  it('SVG of a CPU diff: well-formed, every function above 1 % drawn, growth red and shrink blue as pprof -diff_base says', async () => {
    const view = { diffBase: pairProfile('cpu-a') };
    const out = await exportView([pairProfile('cpu-b')], 'svg', view);
    const svg = readFileSync(out, 'utf8');
    // resvg parses it as XML (a malformed document throws).
    const size = new Resvg(svg).getBBox();
    expect(size?.width).toBeGreaterThan(1000);
    expect(svg).toMatch(/^<\?xml[^>]*\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1200" height="\d+"/);
    expect(svg).toContain('grew (new &gt; base)');
    const frames = [...svg.matchAll(/<title>([^<]*?) · [^<]*<\/title><rect [^>]*fill="([^"]+)"/g)].map((m) => ({ name: m[1].replace(/&amp;/g, '&'), fill: m[2] }));
    const [ref, base, next] = await Promise.all([
      pprofTop(pairProfile('cpu-b'), 'cpu', 'nanoseconds', 0, ['-nodefraction=0', ...viewFlags(view).pprof]),
      pprofTop(pairProfile('cpu-a'), 'cpu', 'nanoseconds', 0, ['-nodefraction=0']),
      pprofTop(pairProfile('cpu-b'), 'cpu', 'nanoseconds', 1),
    ]);
    const names = new Set(frames.map((f) => f.name));
    // A frame's width is base + new (its diff cum is new − base); 1 % of the drawing is ~12 px.
    const baseCum = new Map(base.rows.map((r) => [r.name, r.cum]));
    const wide = ref.rows.filter((r) => r.cum + 2 * (baseCum.get(r.name) ?? 0) >= (base.total + next.total) * 0.01);
    expect(wide.length).toBeGreaterThan(5);
    for (const r of wide) expect(names, r.name).toContain(r.name);
    // Functions drawn once: their frame's colour follows the sign of pprof's diff cum.
    let checked = 0;
    for (const r of ref.rows) {
      const drawn = frames.filter((f) => f.name === r.name);
      if (drawn.length !== 1 || Math.abs(r.cum) < ref.total * 0.05) continue;
      const hue = /^hsl\((\d+),/.exec(drawn[0].fill)?.[1];
      expect(hue, `${r.name} (${r.cum})`).toBe(r.cum > 0 ? /^hsl\((\d+),/.exec(GROWTH_COLOR)![1] : /^hsl\((\d+),/.exec(SHRINK_COLOR)![1]);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('PNG decodes at the requested width, with the root bar and dark label text', async () => {
    const out = await exportView([goProfile('cpu')], 'png', {}, ['--width', '900']);
    const png = decodePng(readFileSync(out));
    const svg = readFileSync(await exportView([goProfile('cpu')], 'svg', {}, ['--width', '900']), 'utf8');
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
    expect([png.width, png.height]).toEqual([900, Number(h)]);
    expect(Number(w)).toBe(900);
    // The root row (y 26..43 in the SVG): mostly the root colour, with dark text pixels.
    const px = (x: number, y: number): number[] => Array.from(png.rgba.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    const rootRgb = [1, 3, 5].map((i) => parseInt(ROOT_COLOR.slice(i, i + 2), 16));
    let root = 0;
    let dark = 0;
    for (let x = 4; x < 890; x++) {
      for (let y = 27; y < 42; y++) {
        const [r, g, b] = px(x, y);
        if (Math.abs(r - rootRgb[0]) + Math.abs(g - rootRgb[1]) + Math.abs(b - rootRgb[2]) < 6) root++;
        if (r + g + b < 150) dark++;
      }
    }
    expect(root).toBeGreaterThan(886 * 15 * 0.8);
    expect(dark).toBeGreaterThan(20);
  });

  it('refuses a bad format, a missing --out and a file that is not a profile, naming it', async () => {
    const bad = await gpw(lib, 'export', goProfile('cpu'), '--format', 'jpeg', '--out', join(tmp.dir, 'x'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format pprof\|collapsed\|svg\|png, not "jpeg"/);
    const noOut = await gpw(lib, 'export', goProfile('cpu'), '--format', 'svg');
    expect(noOut.stderr).toMatch(/needs --out FILE/);
    const notProfile = join(tmp.dir, 'notes.txt');
    await import('node:fs').then((fs) => fs.writeFileSync(notProfile, 'hello, this is not a profile\n'));
    const r = await gpw(lib, 'export', notProfile, '--format', 'svg', '--out', join(tmp.dir, 'y.svg'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/notes\.txt/);
  });
});

describe('argument schemas of the view methods (the renderer is untrusted)', () => {
  it('bound every new argument', async () => {
    const { contract } = await import('../../src-main/api/contract');
    const ok = { id: 'abc' };
    expect(() => contract.exportView.args.parse({ ...ok, format: 'exe' }, 'exportView')).toThrow(/format must be one of pprof, collapsed, svg, png/);
    expect(() => contract.exportView.args.parse({ ...ok, format: 'png', width: 100000 }, 'exportView')).toThrow(/width must be between 200 and 20000/);
    expect(() => contract.exportView.args.parse({ ...ok, format: 'svg', out: '/etc/passwd' }, 'exportView')).toThrow(/out is not a known argument/);
    expect(() => contract.sandwich.args.parse({ ...ok, function: 'x'.repeat(5000) }, 'sandwich')).toThrow(/at most 4096/);
    expect(() => contract.sandwich.args.parse(ok, 'sandwich')).toThrow(/function must be a string/);
    expect(() => contract.diffTable.args.parse({ ...ok, limit: -1 }, 'diffTable')).toThrow(/limit must be between 0/);
    expect(() => contract.flameGraph.args.parse({ ...ok, inverted: 'yes' }, 'flameGraph')).toThrow(/inverted must be true or false/);
    expect(() => contract.callTree.args.parse({ id: '../x' }, 'callTree')).toThrow(/id must match/);
    expect(contract.exportView.args.parse({ ...ok, format: 'svg', inverted: true, width: 800, focus: 'main' }, 'exportView')).toEqual({ ...ok, format: 'svg', inverted: true, width: 800, focus: 'main' });
  });
});
