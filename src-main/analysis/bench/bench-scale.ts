// benchstat's figures (golang.org/x/perf/benchunit): a row's values share one SI prefix (T … n)
// or, for byte units, one IEC prefix (Ti … Ki), chosen from the row's smallest non-zero value so
// that it shows 3–4 significant digits: "1.234µ", "12.34Ki", "567.0".

import type { UnitClass } from '../../formats/gobench/bench-units.js';
import { goFixed } from './go-format.js';

export interface Scaler {
  /** Digits after the decimal point. */
  prec: number;
  factor: number;
  prefix: string;
}

interface Step {
  factor: number;
  prefix: string;
  t100: number;
  t10: number;
  t1: number;
}

const SI: Step[] = ['T', 'G', 'M', 'k', '', 'm', 'µ', 'n'].map((prefix, i) => {
  const exp = 12 - 3 * i;
  return { factor: 10 ** exp, prefix, t100: Number(`99.995e${exp}`), t10: Number(`9.9995e${exp}`), t1: Number(`.99995e${exp}`) };
});
const IEC: Step[] = ['Ti', 'Gi', 'Mi', 'Ki', ''].map((prefix, i) => {
  const f = 2 ** (40 - 10 * i);
  // 99.995, 9.9995 and .99995 times the factor, exactly as binary fractions.
  return { factor: f, prefix, t100: 99.995 * f, t10: 9.9995 * f, t1: 0.99995 * f };
});
const SIGFIG_THRESHOLDS = Array.from({ length: 8 }, (_, i) => Number(`9.9995e${-1 - i}`));

export function commonScale(values: readonly number[], cls: UnitClass): Scaler {
  let min = 0;
  for (const v0 of values) {
    const v = Math.abs(v0);
    if (v !== 0 && (min === 0 || v < min)) min = v;
  }
  if (min === 0) return { prec: 3, factor: 1, prefix: '' };
  const steps = cls === 'binary' ? IEC : SI;
  for (const s of steps) {
    if (min >= s.t100) return { prec: 1, factor: s.factor, prefix: s.prefix };
    if (min >= s.t10) return { prec: 2, factor: s.factor, prefix: s.prefix };
    if (min >= s.t1) return { prec: 3, factor: s.factor, prefix: s.prefix };
  }
  const last = steps[steps.length - 1];
  const val = min / last.factor;
  for (let i = 0; i < SIGFIG_THRESHOLDS.length; i++) {
    if (val >= SIGFIG_THRESHOLDS[i] || i === SIGFIG_THRESHOLDS.length - 1) return { prec: i + 3, factor: last.factor, prefix: last.prefix };
  }
  return { prec: 3, factor: last.factor, prefix: last.prefix };
}

export function formatScaled(value: number, s: Scaler): string {
  return goFixed(value / s.factor, s.prec) + s.prefix;
}

export function scaleOne(value: number, cls: UnitClass): string {
  return formatScaled(value, commonScale([value], cls));
}
