// Run-to-run spread of the GC validation corpus's programs (the `repeat` set of
// tests/go/gcload-corpus.mjs: every shape's GOGC=100 baseline and three targets, each run several
// times at the same settings). Measures how far real runs of one program at one setting land from
// each other, the floor under any prediction made from one recording, and gpw's predictions from
// each of the repeated baselines against each repeated target run. Read by
// tests/gc-corpus/gc-validation-doc.ts (docs/gc-validation.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGcModel, gcWhatIf, type GcModel } from '../../src-main/analysis/gc/gc-analysis';
import { median } from '../../src-main/analysis/gc/piecewise';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { errorsOf, inRangeOf, predictedFigures, readCorpus, recordedFigures, settingsOfEnv, TARGETS, type CorpusMeta, type Figures, type PredictionRow } from './gc-corpus';

type Errors = PredictionRow['error'];

export interface RepeatRow {
  group: string;
  shape: string;
  heldOut: boolean;
  /** 'base' (GOGC=100, the recordings predictions start from) or a target. */
  target: string;
  settings: { gogc: number; memLimitBytes: number | null };
  /** The real runs, in repeat order, and how many of them got < 90 % of their CPU. */
  runs: Figures[];
  noisy: number;
  /**
   * Leave-one-out: each run against the median of the others (count and peak as a ratio − 1, GC CPU in
   * pp); the median |deviation| and the share of runs whose deviation is within the targets. What a
   * predictor that knew every other real run would score: the floor under a prediction from one recording.
   */
  spread: { median: Errors; within: Errors };
  /** Predictions from each repeated baseline, against each repeated run (every pair); null for the baselines. */
  predictions: {
    predicted: Figures[];
    median: Errors;
    within: Errors;
    /** Pairs whose real run lies inside the range the prediction showed. */
    covered: Errors;
    pairs: number;
  } | null;
}

const KEYS = ['gcCount', 'peakHeap', 'gcCpuPp'] as const;
const limitOf = { gcCount: TARGETS.gcCount, peakHeap: TARGETS.peakHeap, gcCpuPp: TARGETS.gcCpuPp };
/** Median |error| and the share within the targets, per figure, over a list of errors. */
function summarise(errs: Errors[]): { median: Errors; within: Errors } {
  const pick = (f: (k: (typeof KEYS)[number]) => number): Errors => ({ gcCount: f('gcCount'), peakHeap: f('peakHeap'), gcCpuPp: f('gcCpuPp') });
  return {
    median: pick((k) => median(errs.map((e) => Math.abs(e[k])))),
    within: pick((k) => errs.filter((e) => Math.abs(e[k]) <= limitOf[k]).length / errs.length),
  };
}

/** Every (group, shape, setting) of a repeat set, with its real runs' spread and gpw's predictions. */
export function repeatability(dir: string): RepeatRow[] {
  const rows: RepeatRow[] = [];
  for (const g of readCorpus(dir)) {
    const sets = new Map<string, { name: string; meta: CorpusMeta }[]>();
    for (const [name, meta] of g.runs) {
      const key = `${meta.shape}\u0000${meta.target}`;
      if (!sets.has(key)) sets.set(key, []);
      sets.get(key)!.push({ name, meta });
    }
    const models = new Map<string, GcModel[]>();
    const modelsOf = (key: string): GcModel[] => {
      if (!models.has(key)) {
        const runs = [...(sets.get(key) ?? [])].sort((a, b) => (a.meta.repeat ?? 0) - (b.meta.repeat ?? 0));
        models.set(key, runs.map(({ name, meta }) => buildGcModel(parseGctrace(readFileSync(join(g.dir, `${name}.log`), 'utf8')), { recorded: settingsOfEnv(meta.env) })));
      }
      return models.get(key)!;
    };
    for (const [key, runs] of sets) {
      const { shape, target, heldOut, env } = runs[0].meta;
      const settings = settingsOfEnv(env);
      const real = modelsOf(key).map(recordedFigures);
      const loo = real.map((x, j) => {
        const others = real.filter((_, i) => i !== j);
        return errorsOf(x, { gcCount: median(others.map((o) => o.gcCount)), peakHeapBytes: median(others.map((o) => o.peakHeapBytes)), gcCpuFraction: median(others.map((o) => o.gcCpuFraction)) });
      });
      let predictions: RepeatRow['predictions'] = null;
      if (target !== 'base') {
        const req = { gogc: settings.gogc, memLimitBytes: settings.memLimitBytes ?? undefined };
        const whatIfs = modelsOf(`${shape}\u0000base`).map((m) => gcWhatIf(m, req));
        const errs: Errors[] = [];
        const covered = { gcCount: 0, peakHeap: 0, gcCpuPp: 0 };
        for (const w of whatIfs) {
          for (const a of real) {
            errs.push(errorsOf(w.predicted, a));
            const inside = inRangeOf(w, a);
            covered.gcCount += Number(inside.gcCount);
            covered.peakHeap += Number(inside.peakHeap);
            covered.gcCpuPp += Number(inside.gcCpu);
          }
        }
        const n = errs.length;
        predictions = {
          predicted: whatIfs.map(predictedFigures),
          ...summarise(errs),
          covered: { gcCount: covered.gcCount / n, peakHeap: covered.peakHeap / n, gcCpuPp: covered.gcCpuPp / n },
          pairs: n,
        };
      }
      rows.push({ group: g.group, shape, heldOut, target, settings, runs: real, noisy: runs.filter((r) => r.meta.noisy).length, spread: summarise(loo), predictions });
    }
  }
  const order = ['base', 'gogc25', 'gogc50', 'gogc200', 'gogc400', 'gogc800', 'off-limit', 'hardlimit'];
  return rows.sort((a, b) => a.group.localeCompare(b.group) || Number(a.heldOut) - Number(b.heldOut) || a.shape.localeCompare(b.shape) || order.indexOf(a.target) - order.indexOf(b.target));
}
