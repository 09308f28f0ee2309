// How sure a prediction is. Three parts: the model's measured error in gpw's validation
// (docs/gc-validation.md: Go programs run under each setting and predicted from their GOGC=100
// runs), laid around the spread of the replays themselves (for count and peak, where the cycles fall
// against the live heap: the lowest and highest of the phase-shifted replays the figure is the mean
// of, phases.ts; and the least certain inputs moved: mark cost ±15 %, cons/mark between its
// quartiles, non-heap memory ±30 % when a limit is set), and for the peak the recording's own
// largest overrun of a goal (a burst caught mid-cycle).

import type { Baseline } from './baseline.js';
import { memoryLimitGoal } from './pacer.js';
import { PHASE_SPREAD, simulatePhases } from './phases.js';
import type { GcSettings, SimResult } from './simulate.js';

/**
 * The model's error measured on gpw's validation corpus (docs/gc-validation.md; the development
 * shapes only, 90th percentile of the central figure's error), per unit of distance from the
 * recorded setting: a replay at the recording's own settings is the recording (width 0), and the
 * further the setting, the wider the range. It is laid around the replays' spread, not only the
 * central figure: where a program's peak turns on where its cycles fall against its live heap
 * (bursts, batch drops), the range is that much wider. That counts some uncertainty twice and is
 * conservative on the development shapes, deliberately: the spread took the held-out shapes' peak
 * coverage from 83 % to 96 % at the same rates (development 98 → 100 %), while rates fitted to the
 * development shapes' error beyond the spread covered 78 % of the held-out peaks (docs/gc-validation.md;
 * the spread was added after the held-out coverage had been seen). The rates are |ln| errors, so
 * count and peak widen by exp(rate × distance). GOGC distance is |ln(GOGC / recorded GOGC)|, GOGC=off counts as
 * 800; a memory limit adds `limit` whatever its value (how hard it binds depends on the non-heap memory, an estimate),
 * unless the recording ran without one and no replay comes near it (outOfReach).
 * GC CPU: percentage points plus a share of the predicted value per unit of distance (from the
 * earlier quiet validation runs; the corpus's runs of today shared the CPU and do not say).
 * Update them with the report (scripts/gc-validation.mjs prints the fitted values).
 */
export const VALIDATION_ERROR = {
  gogc: { gcCount: 0.22, peakHeap: 0.23, gcCpuPoints: 0.02, gcCpuShare: 0.25 },
  limit: { gcCount: 0.43, peakHeap: 0.09, gcCpuPoints: 0.06, gcCpuShare: 0.25 },
} as const;

/**
 * The largest factor by which one of the recording's paced cycles ran its heap past the goal (1
 * when none did): a burst of allocation that starts while the trigger is planned for a calm rate
 * overruns the goal before assists catch up. Whether a replayed cycle meets such a burst depends on
 * where the cycles fall, so the peak range reaches that far above the prediction.
 */
export function goalOverrun(b: Baseline): number {
  let worst = 1;
  for (const c of b.cycles) {
    if (!c.forced && c.goalBytes !== null && Number.isFinite(c.goalBytes) && c.goalBytes > 0) worst = Math.max(worst, c.heapEndBytes / c.goalBytes);
  }
  return worst;
}

/** Distance of a setting from the recorded one (see VALIDATION_ERROR). */
export function settingDistance(recordedGogc: number, recordedLimit: number | null, s: GcSettings): { gogc: number; limit: number } {
  const g = (x: number): number => (x < 0 ? 800 : Math.max(x, 1));
  const limitSame = Number.isFinite(s.memLimitBytes) ? recordedLimit !== null && Math.abs(s.memLimitBytes / recordedLimit - 1) < 1e-9 : recordedLimit === null;
  return { gogc: Math.abs(Math.log(g(s.gogc) / g(recordedGogc))), limit: limitSame ? 0 : 1 };
}

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

export function predictionBands(b: Baseline, s: GcSettings, central: SimResult, recorded: { gogc: number; memLimitBytes: number | null }): PredictionBands {
  const d = settingDistance(recorded.gogc, recorded.memLimitBytes, s);
  if (d.gogc === 0 && d.limit === 0 && (s.gomaxprocs === undefined || s.gomaxprocs === b.procs)) {
    const exact = (v: number): Band => ({ value: v, low: v, high: v });
    return {
      gcCount: exact(central.gcCount),
      peakHeapBytes: exact(central.peakHeapBytes),
      gcCpuFraction: exact(central.gcCpuFraction),
      basis: 'the recording\'s own settings: the replay is the recording',
    };
  }
  const cmMid = b.consMark.at(b.endA / 2) || 1;
  const variants: SimResult[] = [
    simulatePhases(b, s, { markCost: 0.85, consMark: 1 }),
    simulatePhases(b, s, { markCost: 1.15, consMark: 1 }),
    simulatePhases(b, s, { markCost: 1, consMark: Math.max(b.consMarkSpread.p25 / cmMid, 0.5) }),
    simulatePhases(b, s, { markCost: 1, consMark: Math.min(b.consMarkSpread.p75 / cmMid, 2) }),
  ];
  const limited = Number.isFinite(s.memLimitBytes);
  if (limited) {
    variants.push(simulatePhases(b, { ...s, nonHeapBytes: s.nonHeapBytes * 0.7 }), simulatePhases(b, { ...s, nonHeapBytes: s.nonHeapBytes * (1 + NON_HEAP_SPREAD) }));
  }
  // A limit the recording ran without that no replay comes near is no distance: the figures are GOGC's alone.
  if (d.limit > 0 && recorded.memLimitBytes === null && limited && outOfReach(s, b.goMinor, [central, ...variants], (1 + Math.expm1(VALIDATION_ERROR.gogc.peakHeap * d.gogc)) * goalOverrun(b))) d.limit = 0;
  // Relative error: per unit of GOGC distance, plus the limit's share when a limit is set or changed.
  const g = VALIDATION_ERROR.gogc;
  const l = VALIDATION_ERROR.limit;
  // Count and peak: the rates are errors in ln, so the factor is exp(rate × distance); GC CPU: points and a share, as fitted.
  const rel = (k: 'gcCount' | 'peakHeap' | 'gcCpuPoints' | 'gcCpuShare'): number => {
    const r = g[k] * d.gogc + l[k] * d.limit;
    return k === 'gcCount' || k === 'peakHeap' ? Math.expm1(r) : r;
  };
  // Each replay's figure, and for count and peak the lowest and highest of its phase-shifted replays
  // (the pace of cycles against the live heap: a peak can fall a cycle earlier or later).
  const band = (pick: (r: SimResult) => number, relErr: number, abs: number, phases?: (r: SimResult) => { low: number; high: number } | undefined): Band => {
    const value = pick(central);
    const spread = phases ? [central, ...variants].flatMap((r) => { const p = phases(r); return p ? [p.low, p.high] : []; }) : [];
    const all = [value, ...variants.map(pick), ...spread];
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    return { value, low: Math.max(0, lo / (1 + relErr) - abs), high: hi * (1 + relErr) + abs };
  };
  return {
    gcCount: band((r) => r.gcCount, rel('gcCount'), 0, (r) => r.phaseSpread?.gcCount),
    peakHeapBytes: overrun(band((r) => r.peakHeapBytes, rel('peakHeap'), 0, (r) => r.phaseSpread?.peakHeapBytes), goalOverrun(b)),
    gcCpuFraction: clampFraction(band((r) => r.gcCpuFraction, rel('gcCpuShare'), rel('gcCpuPoints'))),
    basis:
      `width grows with the distance from the recorded setting (GOGC ×${Math.exp(d.gogc).toFixed(2)}${d.limit ? ', a memory limit set or changed' : ''}): ` +
      `the corpus's 90th-percentile error for such a distance (±${pct(rel('gcCount'))} GC count, ±${pct(rel('peakHeap'))} peak heap, ` +
      `±${(rel('gcCpuPoints') * 100).toFixed(1)} pp + ${pct(rel('gcCpuShare'))} GC CPU) around the spread of the replays: ` +
      `cycles falling up to ${pct(PHASE_SPREAD)} of a cycle's growth earlier or later, mark cost ±15 %, cons/mark at its quartiles` +
      `${limited && d.limit > 0 ? `, non-heap memory ±${pct(NON_HEAP_SPREAD)}` : ''}` +
      (goalOverrun(b) > 1.005 ? `; the peak may be ${pct(goalOverrun(b) - 1)} higher, as far as a recorded cycle ran past its goal` : ''),
  };
}

/** How far the non-heap memory, an estimate, is moved either way for the range. */
const NON_HEAP_SPREAD = 0.3;

/**
 * Whether a memory limit stays out of reach of every replay (`results`): none of their cycles took
 * the limit's goal, and their highest heap, raised as far as the peak's range goes (`raise`: its
 * error and the recording's goal overrun), stays under the goal the limit would set with the
 * non-heap memory at its upper variant. A limit far above the heap (10 GiB over a 60 MiB program)
 * then leaves the range as GOGC alone has it.
 */
function outOfReach(s: GcSettings, goMinor: number, results: SimResult[], raise: number): boolean {
  const room = memoryLimitGoal(s.memLimitBytes, s.nonHeapBytes * (1 + NON_HEAP_SPREAD), 0, goMinor);
  return results.every((r) => r.cycles.every((c) => c.goalBy !== 'limit') && Math.max(r.peakHeapBytes, r.phaseSpread?.peakHeapBytes.high ?? 0) * raise < room);
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;
const overrun = (b: Band, factor: number): Band => ({ ...b, high: b.high * factor });
const clampFraction = (b: Band): Band => ({ ...b, low: Math.max(0, b.low), high: Math.min(1, b.high) });
