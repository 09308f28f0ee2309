// gpw source equals `go tool pprof -list` and gpw peek equals `go tool pprof -peek`, run on the
// same real profiles of tests/go/hotspots (CPU, alloc_space, inuse_space, block), with and
// without the view's filters and -source_path / -trim_path: the text where pprof finds the
// source, and every routine's and line's figures (in base units) for every function.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpw, gpwJson, run } from '../helpers/run';
import { REPO, repoPath, tempDir } from '../helpers/paths';
import { hotspots, hotspotsSource, pprofList } from '../helpers/hotspots';
import type { SourceListing } from '../../src-main/api/source-types';

let p: (f: string) => string;
const tmp = tempDir('gpw-source-');
const lib = join(tmp.dir, 'lib.db');
beforeAll(async () => {
  p = await hotspots('local');
}, 600_000);
afterAll(() => tmp.cleanup());

/** gpw's and pprof's flags for one view. */
type View = { sample?: string; focus?: string; ignore?: string; hide?: string; show?: string; tagfocus?: string };
function flags(v: View): { gpw: string[]; pprof: string[] } {
  const gpwFlags: string[] = [];
  const pprofFlags: string[] = [];
  if (v.sample) {
    gpwFlags.push('--sample-index', v.sample);
    pprofFlags.push(`-sample_index=${v.sample}`);
  }
  for (const k of ['focus', 'ignore', 'hide', 'show', 'tagfocus'] as const) {
    if (v[k] === undefined) continue;
    gpwFlags.push(`--${k}`, v[k]!);
    pprofFlags.push(`-${k}=${v[k]}`);
  }
  return { gpw: gpwFlags, pprof: pprofFlags };
}

const CASES: [label: string, file: string, unit: string, view: View][] = [
  ['CPU', 'cpu.pb.gz', 'nanoseconds', {}],
  ['CPU, focus on an inlined function', 'cpu.pb.gz', 'nanoseconds', { focus: 'main\\.mix' }],
  ['CPU, hide', 'cpu.pb.gz', 'nanoseconds', { hide: 'mix|asyncPreempt' }],
  ['alloc_space', 'heap.pb.gz', 'bytes', { sample: 'alloc_space' }],
  ['alloc_space, ignore', 'heap.pb.gz', 'bytes', { sample: 'alloc_space', ignore: 'main\\.big' }],
  ['alloc_objects, tagfocus', 'heap.pb.gz', 'count', { sample: 'alloc_objects', tagfocus: 'bytes=1kb:' }],
  ['inuse_space', 'heap.pb.gz', 'bytes', { sample: 'inuse_space' }],
  ['block delay', 'block.pb.gz', 'nanoseconds', { sample: 'delay' }],
  ['block contentions, show', 'block.pb.gz', 'count', { sample: 'contentions', show: 'main|sync' }],
];

describe('gpw source = go tool pprof -list', () => {
  for (const [label, file, unit, view] of CASES) {
    it(`${label}: every function's figures, line by line`, async () => {
      const f = flags(view);
      const [mine, ref] = await Promise.all([gpwJson<SourceListing>(lib, 'source', p(file), '--function', '.', ...f.gpw), pprofList(p(file), '.', f.pprof, unit, REPO)]);
      expect(mine.total).toBe(ref.total);
      expect(mine.functions.map((fn) => `${fn.name} in ${fn.file}`)).toEqual(ref.routines.map((r) => `${r.name} in ${r.file}`));
      mine.functions.forEach((fn, i) => {
        const r = ref.routines[i];
        expect([fn.flat, fn.cum], fn.name).toEqual([r.flat, r.cum]);
        const sampled = (ls: { line: number; flat: number; cum: number }[]) => ls.filter((l) => l.flat !== 0 || l.cum !== 0).map((l) => [l.line, l.flat, l.cum]);
        // Where pprof read the file, gpw shows the same lines; where it did not (-trimpath names, no
        // source path), gpw still has every sampled line's figures (and often the text, from GOROOT).
        if (r.error === undefined) expect(fn.lines.map((l) => [l.line, l.flat, l.cum, l.text])).toEqual(r.lines.map((l) => [l.line, l.flat, l.cum, l.text]));
        else if (fn.missingSource) expect(sampled(fn.lines).length).toBeGreaterThan(0);
        else expect(fn.foundAt).toMatch(/\/src\//);
      });
    });
  }

  it('the text equals pprof -list, with -source_path and -trim_path, and with the file not found', async () => {
    const file = p('heap.pb.gz');
    const other = join(tmp.dir, 'checkout', 'hotspots');
    mkdirSync(other, { recursive: true });
    copyFileSync(join(hotspotsSource, 'main.go'), join(other, 'main.go'));
    const variants: [string[], string[]][] = [
      [[], []],
      [['--source-path', repoPath('tests/go')], [`-source_path=${repoPath('tests/go')}`]],
      [['--source-path', other], [`-source_path=${other}`]],
      [['--trim-path', 'gpw/tests', '--source-path', join(tmp.dir, 'checkout')], ['-trim_path=gpw/tests', `-source_path=${join(tmp.dir, 'checkout')}`]],
      [['--source-path', '/nonexistent/folder'], ['-source_path=/nonexistent/folder']],
      [['--focus', 'scratch|newRecord', '--source-path', other], ['-focus=scratch|newRecord', `-source_path=${other}`]],
    ];
    for (const [g, pp] of variants) {
      const [mine, ref] = await Promise.all([
        run('sh', ['-c', `cd "$1" && shift && exec "$@"`, 'sh', REPO, process.execPath, repoPath('bin/gpw.js'), 'source', file, '--function', 'main\\.', '--sample-index', 'alloc_space', ...g], { GPW_LIBRARY: lib }),
        pprofList(file, 'main\\.', ['-sample_index=alloc_space', ...pp], 'none', REPO),
      ]);
      expect(mine.code, mine.stderr).toBe(0);
      expect(mine.stdout, g.join(' ')).toBe(ref.text);
    }
    // CPU and block as text too, the source found through -source_path.
    for (const [name, index] of [['cpu.pb.gz', 'cpu'], ['block.pb.gz', 'delay']]) {
      const mine = await gpw(lib, 'source', p(name), '--function', 'main\\.', '--sample-index', index, '--source-path', other);
      const ref = await pprofList(p(name), 'main\\.', [`-sample_index=${index}`, `-source_path=${other}`], 'none');
      expect(mine.stdout).toBe(ref.text);
      expect(mine.stdout).toMatch(/ROUTINE =+ main\./);
    }
  });

  it('a missing file is said with the path looked for, the figures still shown', async () => {
    const mine = await gpwJson<SourceListing>(lib, 'source', p('heap.pb.gz'), '--function', 'main\\.scratch', '--sample-index', 'alloc_space', '--source-path', '/nonexistent/x');
    const fn = mine.functions[0];
    expect(fn.missingSource).toBe(true);
    expect(fn.error).toBe('could not find file gpw/tests/hotspots/main.go on path /nonexistent/x');
    expect(fn.lookedFor).toContain('/nonexistent/x/gpw/tests/hotspots/main.go');
    expect(fn.lines.some((l) => l.flat > 0 && l.text === null)).toBe(true);
  });

  it('source newer than the profile (lines moved) is detected and said', async () => {
    const moved = join(tmp.dir, 'moved', 'hotspots');
    mkdirSync(moved, { recursive: true });
    const src = readFileSync(join(hotspotsSource, 'main.go'), 'utf8').replace('//go:noinline\nfunc scratch', '//go:noinline\n// a comment added after the profile was taken\n\nfunc scratch');
    writeFileSync(join(moved, 'main.go'), src);
    const mine = await gpwJson<SourceListing>(lib, 'source', p('heap.pb.gz'), '--function', 'main\\.(scratch|big)$', '--sample-index', 'alloc_space', '--source-path', moved);
    const scratch = mine.functions.find((f) => f.name === 'main.scratch')!;
    expect(scratch.notes.join('\n')).toMatch(/source looks newer than the profile .*main\.scratch starts at line \d+/);
    const same = await gpwJson<SourceListing>(lib, 'source', p('heap.pb.gz'), '--function', 'main\\.scratch$', '--sample-index', 'alloc_space', '--source-path', repoPath('tests/go'));
    expect(same.functions[0].notes).toEqual([]);
  });

  it('no function matching is an error, as in pprof', async () => {
    const r = await gpw(lib, 'source', p('cpu.pb.gz'), '--function', 'nothing_matches_this');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no matches found for regexp: nothing_matches_this');
  });
});

describe('gpw peek = go tool pprof -peek', () => {
  const PEEKS: [file: string, re: string, extra: string[], pprofExtra: string[]][] = [
    ['cpu.pb.gz', 'main\\.(hash|spin)', [], []],
    ['cpu.pb.gz', '.', [], []],
    ['heap.pb.gz', 'main\\.|runtime\\.m', ['--sample-index', 'alloc_space'], ['-sample_index=alloc_space']],
    ['heap.pb.gz', 'main', ['--sample-index', 'inuse_space', '--hide', 'runtime'], ['-sample_index=inuse_space', '-hide=runtime']],
    ['block.pb.gz', 'sync|chan', ['--focus', 'main'], ['-focus=main']],
    ['cpu.pb.gz', 'main\\.hash', ['--granularity', 'lines'], ['-lines']],
  ];
  for (const [file, re, extra, pprofExtra] of PEEKS) {
    it(`${file} ${re} ${extra.join(' ')}`, async () => {
      const [mine, ref] = await Promise.all([gpw(lib, 'peek', p(file), re, ...extra), run('go', ['tool', 'pprof', '-peek', re, ...pprofExtra, p(file)])]);
      expect(mine.code, mine.stderr).toBe(0);
      expect(ref.code, ref.stderr).toBe(0);
      expect(mine.stdout).toBe(ref.stdout.slice(ref.stdout.indexOf('Showing nodes')));
    });
  }
});
