// Filter regexps are Go's (RE2) syntax, as pprof reads them: for each pattern, gpw refuses it
// exactly when `go tool pprof -focus=PATTERN` does (with a message saying what is wrong), and
// otherwise shows the same table. Go-only syntax (\A, \z, \Q…\E, (?P<n>…), [[:alpha:]], \pL,
// leading (?i)) is translated; what RE2 refuses (backreferences, lookaround) is refused.
import { describe, expect, it } from 'vitest';
import { pairProfile, usePairsLibrary } from '../helpers/profpair';
import { gpw, run } from '../helpers/run';
import { rowsOf, topBothInProcess } from '../helpers/top-vs-pprof';
import { translateGoRegexp, compileGoRegexp, goRegexpProblem } from '../../src-main/analysis/filters/go-regexp';

const lib = usePairsLibrary();

const ACCEPTED = [
  '(?i)MAIN\\.RECURSE',
  '\\Amain\\.spin\\z',
  'main\\.(?P<w>hash)Work',
  '[[:alpha:]]+\\.sortWork$',
  '\\Qmain.hashWork\\E',
  '^main\\.[^r]',
  'main\\.\\pL+Work',
  '(main|sort)\\.[a-z]+$',
  '[]a]|main\\.sortWork',
  'main\\.re{1,2}curse',
];
const REFUSED: [pattern: string, gpwSays: RegExp][] = [
  ['(a)\\1', /backreferences/],
  ['main(?=x)', /lookaround/],
  ['(?<!x)main', /lookaround/],
  ['a**', /nested repetition/],
  ['[z-a]', /not a valid regular expression/],
  ['x{1001}', /invalid repeat count/],
  ['(unclosed', /not a valid regular expression/],
  ['main\\8', /backreferences/],
  ['[[:nope:]]', /invalid character class range/],
];

describe.concurrent('focus regexps as pprof reads them', () => {
  it.each(ACCEPTED)('accepts %s as pprof does, with the same table', async (pattern) => {
    const { gpw: g, pprof } = await topBothInProcess([pairProfile('cpu-a')], 'cpu', 'nanoseconds', { focus: pattern });
    expect(g.total).toBe(pprof.total);
    expect(rowsOf(g)).toEqual(pprof.rows);
    expect(g.rows.length).toBeGreaterThan(0);
  });

  it.each(REFUSED)('refuses %s as pprof does, saying why', async (pattern, says) => {
    const p = await run('go', ['tool', 'pprof', '-top', `-focus=${pattern}`, pairProfile('cpu-a')]);
    expect(p.code).not.toBe(0);
    expect(p.stderr).toMatch(/parsing focus regexp/);
    expect(goRegexpProblem(pattern)).toMatch(says);
  });
});

describe('refusals through the CLI', () => {
  it.each(REFUSED.slice(0, 3))('gpw top --focus %s exits 2 naming the option and the problem', async (pattern, says) => {
    const g = await gpw(lib.path, 'top', pairProfile('cpu-a'), '--focus', pattern);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain(`focus: "${pattern}" is not a valid regular expression`);
    expect(g.stderr).toMatch(says);
  });
});

describe('translation details', () => {
  it('keeps Go meanings that JavaScript spells differently', () => {
    expect(compileGoRegexp('\\Afoo\\z').test('foo')).toBe(true);
    expect(compileGoRegexp('\\Afoo\\z').test('foo\n')).toBe(false);
    expect(compileGoRegexp('\\Qa.b\\E').test('axb')).toBe(false);
    expect(compileGoRegexp('a{,2}').test('a{,2}')).toBe(true);
    expect(compileGoRegexp('x}').test('x}')).toBe(true);
    expect(compileGoRegexp('[[:digit:]]+').test('a1')).toBe(true);
    expect(translateGoRegexp('(?is)a.b').flags).toBe('is');
  });

  it('refuses scoped flags, which this JavaScript engine cannot scope, with a message', () => {
    expect(() => compileGoRegexp('a(?i:b)')).toThrow(/flags like \(\?i\) are supported only at the start/);
  });
});
