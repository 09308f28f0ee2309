// How sure a prediction is. Two parts: the model's measured error in gpw's validation
// (docs/gc-validation.md: a Go workload run under each setting and predicted from its GOGC=100
// run), and the spread of the prediction when its least certain inputs move (mark cost ±15 %,
// cons/mark between its quartiles, non-heap memory ±30 % when a limit is set).

import type { Baseline } from './baseline.js';
import { simulate, type GcSettings, type SimResult } from './simulate.js';

/**
 * Error measured in gpw's validation (docs/gc-validation.md) for settings of each kind, rounded up:
 * relative for counts and heap; GC CPU as percentage points plus a share of the predicted value
 * (the model charges every cycle the recorded run's mark cost per byte, which other settings of
 * the same program may not share: 30 % lower in every other run of the validation).
 * Update them with the report.
 */
export const VALIDATION_ERROR = {
  gogc: { gcCount: 0.3, peakHeap: 0.3, gcCpuPoints: 0.02, gcCpuShare: 0.25 },
  limit: { gcCount: 0.35, peakHeap: 0.3, gcCpuPoints: 0.06, gcCpuShare: 0.25 },
} as const;

export interface Band {
  value: number;
  low: number;
  high: number;
}

export interface PredictionBands {
  gcCount: Band;
  peakHeapBytes: Band;
  gcCpuFraction: Band;
  /** What the bands are made of, for the UI's tooltip. */
  basis: string;
}

export function predictionBands(b: Baseline, s: GcSettings, central: SimResult): PredictionBands {
  const cmMid = b.consMark.at(b.endA / 2) || 1;
  const variants: SimResult[] = [
    simulate(b, s, { markCost: 0.85, consMark: 1 }),
    simulate(b, s, { markCost: 1.15, consMark: 1 }),
    simulate(b, s, { markCost: 1, consMark: Math.max(b.consMarkSpread.p25 / cmMid, 0.5) }),
    simulate(b, s, { markCost: 1, consMark: Math.min(b.consMarkSpread.p75 / cmMid, 2) }),
  ];
  const limited = Number.isFinite(s.memLimitBytes);
  if (limited) {
    variants.push(simulate(b, { ...s, nonHeapBytes: s.nonHeapBytes * 0.7 }), simulate(b, { ...s, nonHeapBytes: s.nonHeapBytes * 1.3 }));
  }
  const err = limited ? VALIDATION_ERROR.limit : VALIDATION_ERROR.gogc;
  const band = (pick: (r: SimResult) => number, rel: number, abs: number): Band => {
    const value = pick(central);
    const all = [value, ...variants.map(pick)];
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    return { value, low: Math.max(0, lo - lo * rel - abs), high: hi + hi * rel + abs };
  };
  return {
    gcCount: band((r) => r.gcCount, err.gcCount, 0),
    peakHeapBytes: band((r) => r.peakHeapBytes, err.peakHeap, 0),
    gcCpuFraction: clampFraction(band((r) => r.gcCpuFraction, err.gcCpuShare, err.gcCpuPoints)),
    basis:
      `validation error (±${pct(err.gcCount)} GC count, ±${pct(err.peakHeap)} peak heap, ±${(err.gcCpuPoints * 100).toFixed(0)} pp + ${pct(err.gcCpuShare)} GC CPU) ` +
      `widened by mark cost ±15 %, cons/mark at its quartiles${limited ? ', non-heap memory ±30 %' : ''}`,
  };
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;
const clampFraction = (b: Band): Band => ({ value: b.value, low: Math.max(0, b.low), high: Math.min(1, b.high) });
