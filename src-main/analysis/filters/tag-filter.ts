// pprof's -tagfocus / -tagignore expressions: "key=re1,re2" (a string label of that key
// matching any of the regexps), "re1,re2" (each regexp matching some "key:value"), or a
// numeric range "[key=]32kb", "1kb:64kb", ":64kb", "4mb:" compared in the label's unit.

import { compileGoRegexp, GoRegexpError } from './go-regexp.js';
import { scaleValue } from './label-units.js';

/** The labels of one sample, as pprof groups them by key. */
export interface SampleLabels {
  strings: Map<string, string[]>;
  numbers: Map<string, number[]>;
}

export type TagPredicate = (labels: SampleLabels) => boolean;

export class TagFilterError extends Error {}

type NumberTest = (value: number, unit: string) => boolean;

const RANGE_PART = /([+-]?[0-9]+)([A-Za-z]+)?/g;

/**
 * The numeric test a range expression stands for, or null when the text is not exactly a
 * range (it is then a list of regexps), as pprof decides.
 */
function parseRange(text: string): NumberTest | null {
  const parts = [...text.matchAll(RANGE_PART)].slice(0, 2);
  if (parts.length === 0) return null;
  const number = (digits: string): number => {
    const n = Number(digits);
    if (!Number.isSafeInteger(n)) throw new TagFilterError(`the number ${digits} is too large`);
    return n;
  };
  const lowUnit = parts[0][2] ?? '';
  const low = scaleValue(number(parts[0][1]), lowUnit, lowUnit);
  const inUnit = (v: number, unit: string): number | null => {
    const s = scaleValue(v, unit, low.unit);
    return s.unit === low.unit ? s.value : null;
  };
  const m = parts[0][0];
  if (parts.length === 1) {
    if (text === m) return (v, unit) => inUnit(v, unit) === low.value;
    if (text === `${m}:`) return (v, unit) => (inUnit(v, unit) ?? -Infinity) >= low.value;
    if (text === `:${m}`) return (v, unit) => (inUnit(v, unit) ?? Infinity) <= low.value;
    return null;
  }
  if (text !== `${m}:${parts[1][0]}`) return null;
  const high = scaleValue(number(parts[1][1]), parts[1][2] ?? '', low.unit);
  if (high.unit !== low.unit) return null;
  return (v, unit) => {
    const x = inUnit(v, unit);
    return x !== null && x >= low.value && x <= high.value;
  };
}

/**
 * Compiles a tag filter. `numLabelUnits` gives each numeric label key its unit (pprof takes
 * the first unit seen for the key, else "bytes" for alignment/request, else the key itself).
 */
export function compileTagFilter(expr: string, numLabelUnits: ReadonlyMap<string, string>): TagPredicate {
  const eq = expr.indexOf('=');
  const key = eq >= 0 ? expr.slice(0, eq) : '';
  const value = eq >= 0 ? expr.slice(eq + 1) : expr;

  const range = parseRange(value);
  if (range) {
    const anyMatches = (vals: number[] | undefined, k: string): boolean => !!vals && vals.some((v) => range(v, numLabelUnits.get(k) ?? ''));
    if (key === '') return (l) => [...l.numbers].some(([k, vals]) => anyMatches(vals, k));
    return (l) => anyMatches(l.numbers.get(key), key);
  }

  const regexps = value.split(',').map((part) => {
    try {
      return compileGoRegexp(part);
    } catch (err) {
      if (err instanceof GoRegexpError) throw new TagFilterError(`"${part}" is not a valid regular expression: ${err.message}`);
      throw err;
    }
  });
  if (key === '') {
    return (l) => regexps.every((re) => [...l.strings].some(([k, vals]) => vals.some((v) => re.test(`${k}:${v}`))));
  }
  return (l) => {
    const vals = l.strings.get(key);
    return !!vals && regexps.some((re) => vals.some((v) => re.test(v)));
  };
}

/** A problem with a tag filter for an argument check, or null when it compiles. */
export function tagFilterProblem(expr: string): string | null {
  try {
    compileTagFilter(expr, new Map());
    return null;
  } catch (err) {
    if (err instanceof TagFilterError) return `is not a valid tag filter: ${err.message}`;
    throw err;
  }
}
