// gpw top --json with pprof's filters (focus, ignore, hide, show, show_from, tagfocus,
// tagignore, alone and combined) equals `go tool pprof -top` with the same flags on the same
// real Go profiles: the total and every row (name, flat, cum, inline mark). Every case runs
// the worker's code in this process; a few also run through the CLI.
import { describe, expect, it } from 'vitest';
import { goProfile } from '../helpers/paths';
import { pairProfile, usePairsLibrary } from '../helpers/profpair';
import { gpwTopInProcess, rowsOf, topBoth, topBothInProcess, viewFlags, type TopView } from '../helpers/top-vs-pprof';
import { gpw, run } from '../helpers/run';

const lib = usePairsLibrary();

type Case = [label: string, file: () => string, sampleIndex: string, unit: string, view: TopView];

const cpu = (): string => pairProfile('cpu-a');
const heap = (): string => pairProfile('heap-b');

const CASES: Case[] = [
  ['focus on a recursive function', cpu, 'cpu', 'nanoseconds', { focus: 'main\\.recurse' }],
  ['focus on an inlined function', cpu, 'cpu', 'nanoseconds', { focus: '^main\\.spin$' }],
  ['focus matching a file name', cpu, 'cpu', 'nanoseconds', { focus: 'sort\\.go' }],
  ['ignore', cpu, 'cpu', 'nanoseconds', { ignore: 'hashWork|sort' }],
  ['focus and ignore (ignore wins)', cpu, 'cpu', 'nanoseconds', { focus: 'main\\.', ignore: 'recurse' }],
  ['hide', cpu, 'cpu', 'nanoseconds', { hide: 'runtime|main\\.runFor' }],
  ['hide an inlined frame', cpu, 'cpu', 'nanoseconds', { hide: 'spin' }],
  ['show', cpu, 'cpu', 'nanoseconds', { show: '^main\\.' }],
  ['show_from', cpu, 'cpu', 'nanoseconds', { showFrom: 'main\\.hashWork' }],
  ['show matching file names', cpu, 'samples', 'count', { show: 'sort\\.go|zsortordered' }],
  ['hide matching the binary (every frame of a Go binary)', cpu, 'samples', 'count', { hide: 'profpair' }],
  ['tagfocus by key and value', cpu, 'cpu', 'nanoseconds', { tagfocus: 'worker=hash' }],
  ['tagfocus regexps without key', cpu, 'cpu', 'nanoseconds', { tagfocus: 'worker:(sort|rec)' }],
  ['tagignore', cpu, 'cpu', 'nanoseconds', { tagignore: 'worker=sort,recurse' }],
  ['tagfocus and tagignore', cpu, 'samples', 'count', { tagfocus: 'worker=.', tagignore: 'worker=hash' }],
  ['focus, hide and tagfocus with -cum', cpu, 'cpu', 'nanoseconds', { focus: 'main', hide: 'runtime', tagfocus: 'worker=recurse|hash', cum: true }],
  ['numeric tagfocus: one size', heap, 'inuse_space', 'bytes', { tagfocus: 'bytes=8kb' }],
  ['numeric tagfocus: range', heap, 'inuse_space', 'bytes', { tagfocus: 'bytes=1kb:64kb' }],
  ['numeric tagfocus: range in other units', heap, 'alloc_objects', 'count', { tagfocus: '1kb:1mb' }],
  ['numeric tagfocus: at most', heap, 'inuse_objects', 'count', { tagfocus: 'bytes=:1kb' }],
  ['numeric tagfocus: at least', heap, 'inuse_space', 'bytes', { tagfocus: 'bytes=8kb:' }],
  ['numeric tagfocus without a unit (pprof matches no sample)', heap, 'inuse_space', 'bytes', { tagfocus: 'bytes=512' }],
  ['numeric tagignore', heap, 'alloc_space', 'bytes', { tagignore: 'bytes=64kb' }],
  ['heap: focus and hide', heap, 'alloc_space', 'bytes', { focus: 'main\\.alloc', hide: 'main\\.run$' }],
  ['heap: show_from', heap, 'inuse_space', 'bytes', { showFrom: 'main\\.run$' }],
  ['Go heap profile: focus', () => goProfile('heap'), 'inuse_space', 'bytes', { focus: 'buildTree|churn' }],
  ['Go allocs profile: ignore and tagfocus', () => goProfile('allocs'), 'alloc_space', 'bytes', { ignore: 'compress', tagfocus: 'bytes=:4kb' }],
  ['Go cpu profile: ignore and show', () => goProfile('cpu'), 'cpu', 'nanoseconds', { ignore: 'sort', show: 'main|slices' }],
  ['Go goroutine profile: tagfocus on pprof.Do labels', () => goProfile('goroutine'), 'goroutine', 'count', { tagfocus: 'role=chan' }],
  ['a focus that matches nothing', cpu, 'cpu', 'nanoseconds', { focus: 'no such function' }],
];

/** Cases whose filter leaves no sample, in pprof as in gpw. */
const EMPTY = new Set([
  'numeric tagfocus without a unit (pprof matches no sample)',
  'a focus that matches nothing',
  'hide matching the binary (every frame of a Go binary)',
]);

describe.concurrent('gpw top with pprof filters equals go tool pprof -top', () => {
  it.each(CASES)('%s', async (label, file, sampleIndex, unit, view) => {
    const { gpw, pprof } = await topBothInProcess([file()], sampleIndex, unit, view);
    expect(gpw.total).toBe(pprof.total);
    expect(rowsOf(gpw)).toEqual(pprof.rows);
    // Every case filters something, and only the cases meant to leave nothing do.
    expect(rowsOf(gpw)).not.toEqual(rowsOf(gpwTopInProcess([file()], sampleIndex, {})));
    expect(gpw.rows.length === 0).toBe(EMPTY.has(label));
  });
});

describe('through the CLI', () => {
  const THROUGH_CLI = ['focus and ignore (ignore wins)', 'focus, hide and tagfocus with -cum', 'numeric tagfocus: range', 'show_from'];
  it.each(CASES.filter((c) => THROUGH_CLI.includes(c[0])))('%s', async (_label, file, sampleIndex, unit, view) => {
    const { gpw, pprof } = await topBoth(lib.path, [file()], sampleIndex, unit, view);
    expect(gpw.total).toBe(pprof.total);
    expect(rowsOf(gpw)).toEqual(pprof.rows);
  });
});

describe('warnings', () => {
  const WARNED: [label: string, view: TopView][] = [
    ['the issue\'s example bytes=1k:64k (pprof knows no unit "k")', { tagfocus: 'bytes=1k:64k' }],
    ['focus and hide matching nothing', { focus: 'nothing', hide: 'nothing' }],
    ['show_from, tagignore and ignore matching nothing', { showFrom: 'nothing', tagignore: 'bytes=1gb', ignore: 'nothing' }],
    ['show matching nothing', { show: 'nothing' }],
  ];
  it.each(WARNED)('%s: warns as pprof does', async (_label, view) => {
    const flags = viewFlags(view);
    const [g, p] = await Promise.all([
      gpw(lib.path, 'top', heap(), ...flags.gpw),
      run('go', ['tool', 'pprof', '-top', ...flags.pprof, heap()]),
    ]);
    const warnings = (s: string): string[] => s.split('\n').filter((l) => l.endsWith('expression matched no samples'));
    expect(warnings(g.stderr).length).toBeGreaterThan(0);
    expect(warnings(g.stderr)).toEqual(warnings(p.stderr));
    expect(g.stdout.slice(g.stdout.indexOf('Showing nodes'))).toBe(p.stdout.slice(p.stdout.indexOf('Showing nodes')));
  });
});
