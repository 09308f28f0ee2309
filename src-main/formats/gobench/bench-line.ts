// One line of `go test -bench` output, read as the Go benchmark format's reader reads it: a
// result line ("BenchmarkName-8  1000  1234 ns/op  16 B/op  1 allocs/op"), a configuration line
// ("goos: linux"; an empty value removes the key), a unit metadata line ("Unit ns/op
// assume=exact"), or anything else (PASS, ok, test logs), which is ignored.

import { quoteInput } from '../quote-input.js';
import { detached } from '../text-lines.js';
import type { BenchValue } from './gobench-types.js';
import { tidyUnit } from './bench-units.js';

export type BenchLine =
  | { kind: 'result'; name: string; iters: number; values: BenchValue[] }
  | { kind: 'config'; key: string; value: string }
  | { kind: 'unit'; unit: string; pairs: { key: string; value: string }[]; problems: string[] }
  | { kind: 'bad'; problem: string }
  | { kind: 'other' };

const SPACE = /\s/u;
const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;
const INT = /^[+-]?\d+$/;
// The digits after the point only with the point: an optional point between two digit runs made
// a long run of digits that fails to match cost quadratic time (a 2.4 MB field: minutes).
const FLOAT = /^[+-]?(?:(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F.]+[pP][+-]?\d+|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])$/;

/** Whitespace-separated fields (Go's unicode.IsSpace). */
function fields(s: string): string[] {
  return s.split(/\s+/u).filter((f) => f.length > 0);
}

function parseNumber(f: string): number | null {
  if (/^\d+$/.test(f) && f.length < 19) return Number(f);
  if (!FLOAT.test(f)) return null;
  const t = f.replace(/_/g, '');
  if (/^[+-]?inf/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (/0x/i.test(t)) return hexFloat(t);
  return Number(t);
}

function hexFloat(t: string): number | null {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(t);
  if (!m) return null;
  const mant = parseInt((m[2] || '0') + (m[3] ?? ''), 16);
  const v = mant * 2 ** (Number(m[4]) - 4 * (m[3]?.length ?? 0));
  return m[1] === '-' ? -v : v;
}

/** `key: value` as the benchmark format defines it: a lower-case first letter, no spaces or upper case in the key. */
export function parseConfigLine(line: string): { key: string; value: string } | null {
  let i = 0;
  for (const ch of line) {
    if (i === 0 && !LOWER.test(ch)) return null;
    if (SPACE.test(ch) || UPPER.test(ch)) return null;
    if (i > 0 && ch === ':') {
      const key = line.slice(0, i);
      const rest = line.slice(i + 1);
      if (rest.length === 0) return { key, value: '' };
      const value = rest.replace(/^[ \t]+/, '');
      return value.length === rest.length ? null : { key, value };
    }
    i += ch.length;
  }
  return null;
}

export function parseBenchLine(line: string): BenchLine {
  if (line.startsWith('Benchmark')) return parseResultLine(line.slice('Benchmark'.length));
  if (line.startsWith('Unit') && (line.length === 4 || SPACE.test(line[4]))) return parseUnitLine(line.slice(4));
  const cfg = parseConfigLine(line);
  return cfg ? { kind: 'config', ...cfg } : { kind: 'other' };
}

function parseResultLine(rest: string): BenchLine {
  const f = fields(rest);
  const name = f[0] ?? '';
  // A bare name (go test -v prints one before a benchmark's output) is no result.
  if (f.length <= 1 && name.length === rest.length) return { kind: 'other' };
  if (f.length < 2) return { kind: 'bad', problem: 'missing iteration count' };
  if (!INT.test(f[1]) || !Number.isSafeInteger(Number(f[1]))) return { kind: 'bad', problem: `parsing iteration count: invalid syntax (${quoteInput(f[1], 40)})` };
  const values: BenchValue[] = [];
  for (let i = 2; i < f.length; i += 2) {
    const v = parseNumber(f[i]);
    if (v === null) return { kind: 'bad', problem: `parsing measurement: invalid syntax (${quoteInput(f[i], 40)})` };
    if (i + 1 >= f.length) return { kind: 'bad', problem: 'missing units' };
    const t = tidyUnit(f[i + 1]);
    values.push({ value: t.factor === 1 ? v : v * t.factor, unit: detached(t.unit) });
  }
  if (values.length === 0) return { kind: 'bad', problem: 'missing measurements' };
  return { kind: 'result', name: detached(name), iters: Number(f[1]), values };
}

function parseUnitLine(rest: string): BenchLine {
  const f = fields(rest);
  if (f.length === 0) return { kind: 'bad', problem: 'missing unit' };
  const unit = tidyUnit(f[0]).unit;
  const pairs: { key: string; value: string }[] = [];
  const problems: string[] = [];
  for (const kv of f.slice(1)) {
    const eq = kv.indexOf('=');
    if (eq <= 0) problems.push('expected key=value');
    else pairs.push({ key: kv.slice(0, eq), value: kv.slice(eq + 1) });
  }
  return { kind: 'unit', unit, pairs, problems };
}
