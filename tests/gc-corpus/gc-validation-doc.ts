// Writes docs/gc-validation.md from the full validation corpus (tests/.tmp/gc-corpus/full, made by
// tests/go/gcload-corpus.mjs): every run, the self-replay of every log, the predictions against the
// real runs with the misses listed, the coverage of the expected ranges per figure, the execution
// trace against the gctrace as input, and the held-out shapes apart. Run through
// scripts/gc-validation.mjs (it makes the corpus first), not by npm test.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { DEFAULT_SWEEP_MS_PER_BYTE } from '../../src-main/analysis/gc/baseline';
import { VALIDATION_ERROR } from '../../src-main/analysis/gc/error-bands';
import { gcLogFromTrace } from '../../src-main/analysis/gc/from-trace';
import { median } from '../../src-main/analysis/gc/piecewise';
import { ROOTLESS_ROOTS_SHARE } from '../../src-main/analysis/gc/recorded';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace';
import { buildGcModel, gcTradeoff, TRADEOFF_GOGC } from '../../src-main/analysis/gc/gc-analysis';
import { PHASE_SPREAD, PHASES } from '../../src-main/analysis/gc/phases';
import { simulate } from '../../src-main/analysis/gc/simulate';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { baselineTrace, calibrate, evaluateCorpus, gogcReadBack, limitReadBack, limitAccounting, limitAccountingSummary, medianHalfWidth, misses, readCorpus, settingsOfEnv, TARGETS, type PredictionRow } from '../helpers/gc-corpus';
// @ts-expect-error: a plain .mjs module shared with scripts/gc-validation.mjs
import { FRESH as FRESH_SHAPES } from '../go/gcload-corpus.mjs';
import { repeatability, type RepeatRow } from '../helpers/gc-repeat';
import { repoPath } from '../helpers/paths';

/** The held-out shapes written after the model's development (tests/go/gcload-corpus.mjs FRESH). */
const FRESH = FRESH_SHAPES as string[];

const MiB = 2 ** 20;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
const pp = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)} pp`;
const mib = (x: number): string => (x / MiB).toFixed(x < 10 * MiB ? 1 : 0);
const share = (n: number, d: number): string => (d === 0 ? '–' : `${((100 * n) / d).toFixed(0)} % (${n}/${d})`);
const setting = (r: PredictionRow): string =>
  `GOGC=${r.settings.gogc < 0 ? 'off' : r.settings.gogc}${r.settings.memLimitBytes !== null ? ` ${mib(r.settings.memLimitBytes)} MiB` : ''}`;

function summary(rows: PredictionRow[], title: string): string[] {
  const n = rows.length;
  const quiet = rows.filter((r) => !r.noisy);
  const within = (k: 'gcCount' | 'peakHeap') => rows.filter((r) => Math.abs(r.error[k]) <= TARGETS[k]).length;
  const cpuWithin = quiet.filter((r) => Math.abs(r.error.gcCpuPp) <= TARGETS.gcCpuPp).length;
  const cpuAll = rows.filter((r) => Math.abs(r.error.gcCpuPp) <= TARGETS.gcCpuPp).length;
  const cover = (k: keyof PredictionRow['inRange']) => rows.filter((r) => r.inRange[k]).length;
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const traced = rows.filter((r) => r.fromTrace);
  const medAbs = (pick: (r: PredictionRow) => number, rs: PredictionRow[]): number => med(rs.map((r) => Math.abs(pick(r))));
  const twin = rows.filter((r) => r.fromTrace && r.fromTracedLog);
  const halfWidth = (k: 'gcCount' | 'peakHeapBytes'): string => `±${(medianHalfWidth(rows, k) * 100).toFixed(0)} %`;
  const cpuHalfWidth = `±${medianHalfWidth(rows, 'gcCpuFraction').toFixed(1)} pp`;
  const three = (e: (r: PredictionRow) => PredictionRow['error'], rs: PredictionRow[]): string =>
    `${(medAbs((r) => e(r).gcCount, rs) * 100).toFixed(1)} % count, ${(medAbs((r) => e(r).peakHeap, rs) * 100).toFixed(1)} % peak, ${medAbs((r) => e(r).gcCpuPp, rs).toFixed(1)} pp GC CPU`;
  return [
    `### ${title}: ${n} predictions`,
    '',
    '| figure | within target | median error | range contains the actual | range: median half width |',
    '|---|---|---|---|---|',
    `| GC count (±10 %) | ${share(within('gcCount'), n)} | ${(medAbs((r) => r.error.gcCount, rows) * 100).toFixed(1)} % | ${share(cover('gcCount'), n)} | ${halfWidth('gcCount')} |`,
    `| peak heap (±10 %) | ${share(within('peakHeap'), n)} | ${(medAbs((r) => r.error.peakHeap, rows) * 100).toFixed(1)} % | ${share(cover('peakHeap'), n)} | ${halfWidth('peakHeapBytes')} |`,
    `| GC CPU (±3 pp) | quiet runs: ${share(cpuWithin, quiet.length)}; all (noisy) runs: ${share(cpuAll, n)} | ${medAbs((r) => r.error.gcCpuPp, rows).toFixed(1)} pp | ${share(cover('gcCpu'), n)} | ${cpuHalfWidth} |`,
    '',
    twin.length
      ? `Input: from the untraced baseline's gctrace log, median |error| ${three((r) => r.error, twin)}; from its traced twin (the same settings, ` +
        `the execution tracer on): from the twin's gctrace ${three((r) => r.fromTracedLog!.error, twin)}, from its execution trace ${three((r) => r.fromTrace!.error, twin)} ` +
        `(${twin.length} predictions). The twin's two inputs are one run: they differ by what the trace tells that gctrace does not; the untraced baseline and the twin's gctrace differ by what the tracer changed in the run.`
      : traced.length
      ? `Input: from the gctrace log, median |error| ${(medAbs((r) => r.error.gcCount, traced) * 100).toFixed(1)} % count, ${(medAbs((r) => r.error.peakHeap, traced) * 100).toFixed(1)} % peak, ` +
        `${medAbs((r) => r.error.gcCpuPp, traced).toFixed(1)} pp GC CPU; from the execution trace of the same baseline run ` +
        `${(medAbs((r) => r.fromTrace!.error.gcCount, traced) * 100).toFixed(1)} %, ${(medAbs((r) => r.fromTrace!.error.peakHeap, traced) * 100).toFixed(1)} %, ` +
        `${medAbs((r) => r.fromTrace!.error.gcCpuPp, traced).toFixed(1)} pp (${traced.length} predictions).`
      : 'No execution traces in this part of the corpus.',
    '',
  ];
}

/** Where the GC CPU error comes from, per setting (quiet development runs): the replay's GC CPU or its mutator CPU. */
function cpuErrorSources(rows: PredictionRow[], sweep: number[], allocCost: { all: number; fitted: number[]; perWork: number[] }): string[] {
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const kind = (r: PredictionRow): string =>
    r.settings.gogc < 0 ? 'off + limit' : r.settings.memLimitBytes !== null ? `GOGC ${r.settings.gogc} + limit` : `GOGC ${r.settings.gogc}`;
  const kinds = [...new Set(rows.map(kind))].sort((a, b) => (parseInt(a.slice(5)) || 1e9) - (parseInt(b.slice(5)) || 1e9) || a.localeCompare(b));
  return [
    '### Where the GC CPU error comes from',
    '',
    "GC CPU % is GC CPU ÷ (GC CPU + the mutator's CPU, GOMAXPROCS × wall less GC CPU). Each quiet development prediction's signed error",
    'splits into the part from the GC CPU the replay predicts (with the real run\'s mutator CPU) and the part from the mutator CPU it',
    "predicts (the baseline's mutator CPU per byte allocated, its sweeping replaced by the replay's, laid over the same allocation); the two add up to the error. The mutator's",
    "CPU per byte is the real run's ÷ its baseline's. The mutator part in/out of marks is the mutator part again (without the sweep term) with the baseline's",
    "mutator CPU per byte inside the cycles and between them kept apart and weighted by the real run's own split of its allocation (the",
    "most that modelling the two rates separately could give). The limiter columns count runs whose GC CPU limiter engaged (the runtime's",
    '`/gc/limiter/last-enabled:gc-cycle` > 0) and replays whose modelled limiter did.',
    '',
    "Sweeping is the mutator's: after each cycle the program sweeps every span of the heap the cycle ended with, so a lower GOGC (more",
    'cycles, each sweeping a heap not much smaller) costs it more CPU per byte allocated. The replay sweeps its own cycles\' end heaps at the',
    'CPU per byte an execution trace measures (its incremental-sweep ranges and the background sweeper\'s running time after each cycle);',
    `a gctrace log does not show sweeping, so from one the cost is ${(DEFAULT_SWEEP_MS_PER_BYTE * 1e6).toFixed(3)} ns per byte swept, the median over the development`,
    `shapes' baseline traces when it was set (in this corpus: median ${(median(sweep) * 1e6).toFixed(3)}, range ${(Math.min(...sweep) * 1e6).toFixed(3)}–${(Math.max(...sweep) * 1e6).toFixed(3)} ns per byte over ${sweep.length} traces).`,
    "Sweeping explains part of the change of the mutator's CPU per byte with GOGC (the last column, the real runs against their baselines):",
    "across the real runs of one program and Go release at GOMAXPROCS 2 it changed by 0.1–0.3 ns per byte swept (about none at GOMAXPROCS 1; measured",
    "on this corpus when the sweep model was added), the traces' sweeping by about a quarter of that: the rest is not explained.",
    'A lead, measured once at stop 28 on the development shapes\' gctrace logs (each run against its own baseline; not regenerated here): the',
    'extra mutator CPU follows the extra mark wall time × GOMAXPROCS more closely than the extra cycles, bytes swept or mark allocation',
    '(R² 0.81 / 0.74 / 0.87 at GOMAXPROCS 1 / 2 quiet / 4, against 0.59–0.74 for bytes swept and 0.65–0.66 for cycles), about 0.3 ms per',
    'extra mark-P-ms at 1 and 2 Ps (0.45 at 4, on 2 cores), but only where the run marks more than its baseline: the real runs at GOGC',
    '200–800 spend about what their baselines did per byte (× 0.92–0.96), where a symmetric term would predict × 0.81–0.88. Most of the',
    'extra falls between marks, not in them, so it is not the write barrier; the mechanism is not known, and a one-sided term fitted to',
    'it is not in the replay (it would take the GOGC 50 and limited runs\' GC CPU error from about +5 pp to about −1 pp). Tried at stop 31',
    "on that stop's corpus, 0.3 ms of mutator CPU per mark-P-ms the replay marks beyond the recording up to the same point (one-sided,",
    'so self-replay stays exact): the development shapes\' quiet GC CPU predictions within 3 pp went from 57 to 61 % (GOGC 50: median',
    '|error| 4.5 → 2.1 pp; the hard-limit runs 3.0 → 4.6 pp, whose too-few cycles it no longer offset), and the held-out shapes\' from',
    '78 to 61 %: it does not carry to other programs, and was left out.',
    '',
    "A mark costs the recorded mark's CPU at that point of the program scaled by (its work + 0.6 × what the replayed mark allocates) ÷",
    "(the recorded mark's work + 0.6 × what it allocated) (`simulate.ts` MARK_CPU_PER_ALLOCATED_BYTE): a ratio, so that from a recording",
    'whose marks allocated several times their work (GOGC=800) a mark that allocates little still costs its work (taking 0.4 × the recorded',
    'cost off per byte allocated less, used until stop 31, left such marks nearly free and the curve\'s GC CPU rising with GOGC). The',
    "development shapes' real runs whose marks allocate less than their baselines' (lower GOGC, limits) spend a median 13 % less mark CPU",
    'per byte of work, those whose marks allocate more (GOGC 200 and up) 23 % more; 0.6 leaves both within 2 % and fits the runs best',
    '(measured when it was set, stop 31; `GC_EVAL_MARKCPU=1 node scripts/gc-validation.mjs --eval`). A least-squares fit per recording of its',
    "cycles' mark CPU on their work and their allocation during the mark, used before, is too noisy to carry: it found such a cost in" +
      ` ${allocCost.fitted.length} of the ${allocCost.all} development baselines` +
      (allocCost.fitted.length
        ? ` (median ${(median(allocCost.fitted) * 1e6).toFixed(2)} ns per byte, range ${(Math.min(...allocCost.fitted) * 1e6).toFixed(2)}–${(Math.max(...allocCost.fitted) * 1e6).toFixed(2)}; the cost per byte of work: median ${(median(allocCost.perWork) * 1e6).toFixed(2)} ns).`
        : '.'),
    '',
    '| setting | runs | GC CPU error (signed median) | from the GC CPU | from the mutator CPU | mutator part, in/out of marks | mutator CPU per byte vs baseline (median) | limiter: real / model |',
    '|---|---|---|---|---|---|---|---|',
    ...kinds.map((k) => {
      const rs = rows.filter((r) => kind(r) === k);
      return (
        `| ${k} | ${rs.length} | ${pp(med(rs.map((r) => r.error.gcCpuPp)))} | ${pp(med(rs.map((r) => r.cpuSplit.gcWorkPp)))} | ${pp(med(rs.map((r) => r.cpuSplit.mutatorPp)))} | ` +
        `${pp(med(rs.map((r) => r.cpuSplit.splitMutatorPp)))} | ` +
        `× ${med(rs.map((r) => r.cpuSplit.mutatorPerByteRatio)).toFixed(2)} | ${rs.filter((r) => r.cpuSplit.limiterReal).length} / ${rs.filter((r) => r.cpuSplit.limiterModel).length} |`
      );
    }),
    '',
  ];
}

/** The run-to-run section: each shape's setting run several times (the corpus's `repeat` set), against gpw's predictions. */
function spreadSection(rows: RepeatRow[], made: string): string[] {
  if (rows.length === 0) return ['## Run-to-run spread', '', 'Not measured: no `repeat` set in tests/.tmp/gc-corpus (`node scripts/gc-validation.mjs` makes it).', ''];
  const reps = Math.max(...rows.map((r) => r.runs.length));
  const groups = [...new Set(rows.map((r) => r.group))].join(', ');
  const percent = (x: number): string => `${(x * 100).toFixed(0)} %`;
  const span = (xs: number[], f: (x: number) => string): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
  const three = (e: { gcCount: number; peakHeap: number; gcCpuPp: number }, as: 'err' | 'share'): string =>
    as === 'err' ? `${(e.gcCount * 100).toFixed(1)} %; ${(e.peakHeap * 100).toFixed(1)} %; ${e.gcCpuPp.toFixed(1)} pp` : `${percent(e.gcCount)}; ${percent(e.peakHeap)}; ${percent(e.gcCpuPp)}`;
  const settingOf = (r: RepeatRow): string =>
    r.target === 'base' ? 'GOGC=100 (baseline)' : `GOGC=${r.settings.gogc < 0 ? 'off' : r.settings.gogc}${r.settings.memLimitBytes !== null ? ` ${mib(r.settings.memLimitBytes)} MiB` : ''}`;
  const targets = rows.filter((r) => r.predictions);
  // Per part of the corpus: where the real runs' own spread already exceeds a target (leave-one-out median above it).
  const beyond = (rs: RepeatRow[], k: 'gcCount' | 'peakHeap' | 'gcCpuPp'): string[] =>
    rs.filter((r) => r.spread.median[k] > TARGETS[k]).map((r) => `${r.shape} ${settingOf(r)}`);
  const part = (title: string, rs: RepeatRow[]): string[] => {
    const med = (pick: (r: RepeatRow) => number): number => [...rs.map(pick)].sort((a, b) => a - b)[Math.floor((rs.length - 1) / 2)] ?? NaN;
    const over = { count: beyond(rs, 'gcCount'), peak: beyond(rs, 'peakHeap'), cpu: beyond(rs, 'gcCpuPp') };
    return [
      `${title} (${rs.length} settings): the real runs' own spread (leave-one-out, median over settings) ${three({ gcCount: med((r) => r.spread.median.gcCount), peakHeap: med((r) => r.spread.median.peakHeap), gcCpuPp: med((r) => r.spread.median.gcCpuPp) }, 'err')}` +
        `; gpw's predictions ${three({ gcCount: med((r) => r.predictions!.median.gcCount), peakHeap: med((r) => r.predictions!.median.peakHeap), gcCpuPp: med((r) => r.predictions!.median.gcCpuPp) }, 'err')}.` +
        ` Settings whose real runs alone spread beyond a target: count ${over.count.join(', ') || 'none'}; peak ${over.peak.join(', ') || 'none'}; GC CPU ${over.cpu.join(', ') || 'none'}.`,
      '',
    ];
  };
  return [
    '## Run-to-run spread',
    '',
    `How far apart do real runs of one program at one setting land? Each shape's GOGC=100 baseline and three targets (GOGC 50, 200, and 100 with a`,
    `hard-binding limit set from the first baseline), ${reps} times each at the same settings, the repeats taken in turn (${groups}; ${made}).`,
    "A run's **spread** is its distance from the median of the other runs at its setting (count and peak as a ratio, GC CPU in pp): what a",
    'predictor that had seen every other real run would score, so the floor under a prediction from one recording; the table gives its median',
    'and the share of runs within the targets. gpw\'s **predictions** are made from each repeated baseline and compared with each repeated run',
    `(${reps} × ${reps} pairs per setting): their median |error|, the share of pairs within the targets, and the share whose real run the range contains.`,
    '',
    ...part('Development shapes', targets.filter((r) => !r.heldOut)),
    ...part('Held-out shapes', targets.filter((r) => r.heldOut)),
    '| shape | setting | real runs: count; peak MiB; GC CPU % (min–max) | noisy runs | spread: median (count; peak; CPU) | spread within targets | predictions: median error | predictions within targets | range contains the real run |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const p = r.predictions;
      return (
        `| ${r.heldOut ? `${r.shape} (held out)` : r.shape} | ${settingOf(r)} | ${span(r.runs.map((x) => x.gcCount), String)}; ${span(r.runs.map((x) => x.peakHeapBytes), mib)}; ` +
        `${span(r.runs.map((x) => x.gcCpuFraction * 100), (x) => x.toFixed(1))} | ${r.noisy}/${r.runs.length} | ${three(r.spread.median, 'err')} | ${three(r.spread.within, 'share')} | ` +
        `${p ? three(p.median, 'err') : '–'} | ${p ? three(p.within, 'share') : '–'} | ${p ? three(p.covered, 'share') : '–'} |`
      );
    }),
    '',
  ];
}

function table(rows: PredictionRow[]): string[] {
  const out = [
    '| group | shape | setting | CPU got (run / baseline) | GC count: actual → predicted (error) | peak heap MiB | GC CPU % | expected ranges (count; MiB; %) | from the trace (count; peak; CPU) | misses |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const m = misses(r);
    const mark = (ok: boolean): string => (ok ? '' : ' ✗');
    out.push(
      `| ${r.group} | ${r.shape} | ${setting(r)} | ${(r.cpuUse * 100).toFixed(0)} / ${(r.baseCpuUse * 100).toFixed(0)} %${r.noisy ? ' noisy' : ''} | ` +
        `${r.actual.gcCount} → ${r.predicted.gcCount} (${pct(r.error.gcCount)}) | ${mib(r.actual.peakHeapBytes)} → ${mib(r.predicted.peakHeapBytes)} (${pct(r.error.peakHeap)}) | ` +
        `${(r.actual.gcCpuFraction * 100).toFixed(1)} → ${(r.predicted.gcCpuFraction * 100).toFixed(1)} (${pp(r.error.gcCpuPp)}) | ` +
        `${Math.floor(r.range.gcCount[0])}–${Math.ceil(r.range.gcCount[1])}${mark(r.inRange.gcCount)}; ${mib(r.range.peakHeapBytes[0])}–${mib(r.range.peakHeapBytes[1])}${mark(r.inRange.peakHeap)}; ` +
        `${(r.range.gcCpuFraction[0] * 100).toFixed(1)}–${(r.range.gcCpuFraction[1] * 100).toFixed(1)}${mark(r.inRange.gcCpu)} | ` +
        `${r.fromTrace ? `${pct(r.fromTrace.error.gcCount)}; ${pct(r.fromTrace.error.peakHeap)}; ${pp(r.fromTrace.error.gcCpuPp)}` : '–'} | ${m.join(', ') || '–'} |`,
    );
  }
  return out;
}

/**
 * Limits below what the program needs (the corpus set `limiter`): the GC runs back to back, and where its CPU would pass half
 * of the CPU the runtime's limiter turns assists down and lets the heap past the limit. Each row beside its prediction from the
 * shape's GOGC=100 baseline, with whether the real run's limiter engaged (/gc/limiter/last-enabled:gc-cycle) and the model's.
 */
function limiterSection(rows: PredictionRow[]): string[] {
  if (rows.length === 0) return ['## Limits below the live heap: the GC CPU limiter', '', 'Not measured: no `limiter` set in tests/.tmp/gc-corpus (`node scripts/gc-validation.mjs` makes it).', ''];
  const engaged = rows.filter((r) => r.cpuSplit.limiterReal);
  const both = engaged.filter((r) => r.cpuSplit.limiterModel);
  const part = (title: string, rs: PredictionRow[]): string =>
    `${title}: ${rs.length} runs, median |error| ${(median(rs.map((r) => Math.abs(r.error.gcCount))) * 100).toFixed(0)} % count, ` +
    `${(median(rs.map((r) => Math.abs(r.error.peakHeap))) * 100).toFixed(0)} % peak, ${median(rs.map((r) => Math.abs(r.error.gcCpuPp))).toFixed(1)} pp GC CPU; ` +
    `ranges hold ${rs.filter((r) => r.inRange.gcCount).length} / ${rs.filter((r) => r.inRange.peakHeap).length} / ${rs.filter((r) => r.inRange.gcCpu).length} of them.`;
  return [
    '## Limits below the live heap: the GC CPU limiter',
    '',
    'Every shape at GOMAXPROCS 1 and 2 with GOGC=100 and a limit of 0.8 × its peak live heap + its non-heap memory (the corpus set',
    '`limiter`, recorded beside the full set; predicted from the shape\'s untraced GOGC=100 baseline). The GC then runs back to back,',
    'and where that would take more than half of the CPU the runtime\'s GC CPU limiter turns assists down and the heap runs past the',
    'limit: a mark then runs at about half of the CPU, so the program allocates during it what it allocates at that share',
    '(`simulate.ts` LIMITER_UTILIZATION; until stop 31 the replay took the background workers\' 25 %, three times as much per byte of work,',
    'unmeasured then: no run of the full corpus engages the limiter).',
    '',
    `The limiter engaged in ${engaged.length} of the ${rows.length} real runs (${engaged.map((r) => `${r.group} ${r.shape}`).join(', ') || 'none'}), and in the replay of ${rows.filter((r) => r.cpuSplit.limiterModel).length} (both: ${both.length}).`,
    'Measured once when the share was changed (stop 31, this set): the runs whose limiter engaged in the replay too read peaks of',
    '+69 % (default-p1 steady) and +41 % / +23 % (trees, held out, 1 and 2 Ps) with the 25 %, against −24 %, +6 % and −10 % now; the',
    'other rows did not move.',
    part('Development shapes', rows.filter((r) => !r.heldOut)),
    part('Held-out shapes', rows.filter((r) => r.heldOut)),
    '',
    '| group | shape | limit MiB | limiter: real / model | GC count: actual → predicted (error) | peak heap MiB | GC CPU % |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.group} | ${r.shape}${r.heldOut ? ' (held out)' : ''} | ${mib(r.settings.memLimitBytes ?? NaN)} | ${r.cpuSplit.limiterReal ? 'yes' : 'no'} / ${r.cpuSplit.limiterModel ? 'yes' : 'no'} | ` +
        `${r.actual.gcCount} → ${r.predicted.gcCount.toFixed(0)} (${pct(r.error.gcCount)}) | ${mib(r.actual.peakHeapBytes)} → ${mib(r.predicted.peakHeapBytes)} (${pct(r.error.peakHeap)}) | ` +
        `${(r.actual.gcCpuFraction * 100).toFixed(1)} → ${(r.predicted.gcCpuFraction * 100).toFixed(1)} (${pp(r.error.gcCpuPp)}) |`,
    ),
    '',
  ];
}

test('docs/gc-validation.md from the full corpus', () => {
  // The full corpus, and the fresh held-out shapes from their own set where the full one was recorded before them.
  const dir = [repoPath('tests/.tmp/gc-corpus/full'), repoPath('tests/.tmp/gc-corpus/fresh')];
  const groups = readCorpus(dir);
  expect(groups.length, 'the full corpus (node tests/go/gcload-corpus.mjs full)').toBeGreaterThan(0);
  const { predictions, selfReplay } = evaluateCorpus(dir);
  const dev = predictions.filter((r) => !r.heldOut);
  const held = predictions.filter((r) => r.heldOut);
  const runs = groups.flatMap((g) => [...g.runs.values()]);
  const uses = runs.map((m) => m.cpuUse).sort((a, b) => a - b);
  const worst = (pick: (r: (typeof selfReplay)[number]) => number) => selfReplay.reduce((a, r) => (Math.abs(pick(r)) > Math.abs(pick(a)) ? r : a));
  const wc = worst((r) => r.error.gcCount);
  const wp = worst((r) => r.error.peakHeap);
  const wu = worst((r) => r.error.gcCpuPp);
  const testSelf = repoPath('tests/.tmp/gc-self-replay.json');
  const otherSelf = existsSync(testSelf) ? (JSON.parse(readFileSync(testSelf, 'utf8')) as { error: { gcCount: number; peakHeap: number; gcCpuPp: number } }[]) : [];
  const cal = calibrate(dev);
  // The corpus's layout: an untraced baseline with a traced twin, or (earlier) a traced baseline.
  const twinLayout = groups.some((gr) => [...gr.runs.values()].some((m) => m.target === 'base-traced'));
  // Mark CPU per byte allocated during a mark, from the development shapes' untraced baselines (baseline.ts).
  const devAllocCost: number[] = [];
  const devWorkCost: number[] = [];
  for (const gr of groups) {
    for (const [name, meta] of gr.runs) {
      if (meta.heldOut || meta.target !== 'base') continue;
      const m = buildGcModel(parseGctrace(readFileSync(`${gr.dir}/${name}.log`, 'utf8')), { recorded: settingsOfEnv(meta.env) });
      devAllocCost.push(m.baseline.markCpuPerAllocatedByte);
      devWorkCost.push(m.baseline.markCpuPerByte);
    }
  }
  const withAllocCost = devAllocCost.filter((x) => x > 0);
  // Sweep CPU per byte swept, measured from the development shapes' baseline traces (the default for gctrace input is their median).
  const devSweep: number[] = [];
  for (const gr of groups) {
    for (const [name, meta] of gr.runs) {
      const found = meta.heldOut || meta.target !== 'base' ? null : baselineTrace(gr.dir, meta.shape);
      if (!found) continue;
      const tm = buildGcModel(gcLogFromTrace(parseGoTrace(new Uint8Array(readFileSync(found.file)))), { recorded: settingsOfEnv(meta.env) });
      if (tm.baseline.sweepSource === 'trace') devSweep.push(tm.baseline.sweepMsPerByte);
    }
  }
  // Trade-off sweeps (GOGC 25…800) from every recording: steps where a larger GOGC predicts a
  // peak more than 2 % lower, or GC CPU more than 0.5 pp higher.
  const steps = new Map<string, number>();
  let sweeps = 0;
  let monotone = 0;
  // The same on the settings the real runs have (GOGC 25, 50, 100, 200, 400, 800: steps of 2×).
  let monotoneAtRuns = 0;
  // The same with one replay per setting instead of the mean over phases (phases.ts).
  let monotoneSingle = 0;
  type Point = { peakHeapBytes: number; gcCpuFraction: number };
  const worse = (a: Point, b: Point): boolean => b.peakHeapBytes < a.peakHeapBytes * 0.98 || b.gcCpuFraction > a.gcCpuFraction + 0.005;
  for (const gr of groups) {
    for (const [name, meta] of gr.runs) {
      const model = buildGcModel(parseGctrace(readFileSync(`${gr.dir}/${name}.log`, 'utf8')), { recorded: settingsOfEnv(meta.env) });
      const sw = gcTradeoff(model, {}).sweep;
      const single = TRADEOFF_GOGC.map((gogc) => simulate(model.baseline, { gogc, memLimitBytes: Infinity, nonHeapBytes: model.defaultNonHeapBytes }));
      if (single.every((p, i) => i === 0 || !worse(single[i - 1], p))) monotoneSingle++;
      sweeps++;
      let ok = true;
      const atRuns = sw.filter((p) => [25, 50, 100, 200, 400, 800].includes(p.gogc));
      if (atRuns.every((p, i) => i === 0 || !worse(atRuns[i - 1], p))) monotoneAtRuns++;
      for (let i = 1; i < sw.length; i++) {
        const bad = worse(sw[i - 1], sw[i]);
        if (bad) {
          ok = false;
          const k = `${sw[i - 1].gogc}→${sw[i].gogc}`;
          steps.set(k, (steps.get(k) ?? 0) + 1);
        }
      }
      if (ok) monotone++;
    }
  }
  // The real runs: does the peak grow and GC CPU fall from GOGC 25 to 800 (per group and shape)?
  const realSteps: string[] = [];
  for (const gr of groups) {
    for (const shape of new Set([...gr.runs.values()].map((m) => m.shape))) {
      const rs = predictions.filter((r) => r.group === gr.group && r.shape === shape && r.settings.memLimitBytes === null && r.settings.gogc > 0).sort((a, b) => a.settings.gogc - b.settings.gogc);
      for (let i = 1; i < rs.length; i++) if (rs[i].actual.peakHeapBytes < rs[i - 1].actual.peakHeapBytes * 0.98) realSteps.push(`${gr.group} ${shape} ${rs[i - 1].settings.gogc}→${rs[i].settings.gogc}`);
    }
  }
  // Real runs at GOGC 400 and above whose heap objects at exit (runtime/metrics) top their gctrace peak: the heap a run ends with
  // after its last cycle, which a replay's peak counts (simulate.ts).
  const endAbove = predictions
    .filter((r) => r.settings.memLimitBytes === null && r.settings.gogc >= 400)
    .map((r) => ({ r, exit: runMetrics(groups, r.group, r.shape, r.target)?.['/memory/classes/heap/objects:bytes'] ?? 0 }));
  const endTops = endAbove.filter((x) => x.exit > x.r.actual.peakHeapBytes);
  // The 1-minute load average at each run (recorded by the corpus maker), else now.
  const loads = runs.map((m) => (m as { load?: number }).load).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  const load = loads.length
    ? `${loads[0].toFixed(1)}–${loads[loads.length - 1].toFixed(1)}, median ${loads[Math.floor(loads.length / 2)].toFixed(1)}, over the runs`
    : process.env.GC_VALIDATION_LOAD || readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const versions = [...new Set(runs.map((m) => m.goVersion.replace(/^go version /, '')))].join(', ');
  const limited = limitAccountingSummary(limitAccounting(dir, (m) => !m.heldOut));
  // The count misses under a memory limit, both sets: how many are too few cycles.
  const limitCountMisses = predictions.filter((r) => r.settings.memLimitBytes !== null && Math.abs(r.error.gcCount) > TARGETS.gcCount);
  const limitUndercounts = limitCountMisses.filter((r) => r.error.gcCount < 0).length;
  const lines = [
    '# GC what-if: validation',
    '',
    '<!-- Written by scripts/gc-validation.mjs (tests/gc-corpus/gc-validation-doc.ts) from tests/.tmp/gc-corpus/full. Do not edit by hand. -->',
    '',
    "How well does gpw predict a Go program's GC count, peak heap and GC CPU under other `GOGC` / `GOMEMLIMIT` settings from one recorded run",
    'of it? Targets: GC count within 10 %, peak heap within 10 %, GC CPU within 3 percentage points, and expected ranges that contain the',
    'actual value in at least 90 % of the predictions. Every number below is measured; the misses are listed, not hidden.',
    '',
    '## The corpus',
    '',
    '`tests/go/gcload-shapes`: two mutator goroutines, each step allocating a 416-byte record (20 pointers into a pointer-free table and a pointer-free tail), with the',
    'live heap following a plan per shape: **steady** (16 MB), **ramp** (4 → 40 MB), **sawtooth** (four batch phases, each building a 32 MB',
    'live heap and dropping it at once), **leak** (8 → 28 MB, never freed), **goroutines** (2000 parked goroutines with ~26 MB of stacks,',
    '4 MB of pointer-dense globals filled, 12 MB live), **bursts** (12 MB live, eight windows in which every step also allocates 2 KB of',
    'garbage). Two more programs of another kind: **cache** (a map of byte values of 64 B to 64 KB, 1 in 128 a large object, held at 24 MB',
    'of values with a random entry evicted per insert: mixed size classes, pointer-light, random deaths) and **trees** (a ring of small',
    'binary trees, 31 nodes of 24 bytes with two pointers each, held at 20 MB and replaced oldest first: tiny pointer-dense objects dying in',
    'the order they were made).',
    '**Held out**: goroutines and bursts were not looked at while the model was developed; cache and trees were written after it (stop 22)',
    `and recorded ${groups.some((g) => g.dir.includes('/fresh/')) ? 'in their own set (tests/.tmp/gc-corpus/fresh, the same groups and targets)' : 'with the rest'}; no change to the replay was made for them. One change to the ranges was: the phase spread (below)`,
    'was added to them (stop 23) after the held-out shapes\' peak coverage, reported here for several stops, had been seen below 90 %; their',
    'coverage figures are therefore no longer out of sample for the ranges, while their errors still are for the replay. Both are reported apart below.',
    'At stop 28 four changes to the replay (the phase shift moved from the triggers to the train\'s place on the recording, a mark\'s natural',
    'allocation counting idle marking, the first recorded cycle\'s departures no longer carried to the replayed cycles near it, and a carried',
    'trigger departure kept above the runtime\'s lowest trigger) were chosen on the development shapes, but for the first three the held-out',
    'figures of each candidate were printed beside them while choosing (the spread ±0.7 over ±0.5 was the development sweeps\' monotonicity;',
    'the held-out figures moved by a point or two between candidates, and the third change took the held-out shapes\' counts and peaks within',
    'target from 57 and 48 to 56 and 47, kept for the development shapes\' 67 → 70 counts); the fourth was chosen without looking at them.',
    'The range rates were then refitted to the development shapes as always; where the held-out peak coverage falls below 90 % (the figure',
    'below), it is reported as it is, the rates not refitted for it.',
    'At stop 31 (a corpus recorded anew, the held-out figures before the changes: 62 % count, 47 % peak, 78 % GC CPU within target) a',
    "mark's CPU became a ratio to the recorded mark's (its constant refitted on the development shapes), and three faults were mended,",
    "found in the development shapes' trade-off sweeps and in a scan of every recording of all eight shapes at settings far from its own",
    '(replays 3–30 × what the settings allow: a',
    "recorded cycle's departure carried where its model answer was at its floor, a paced neighbour's trigger departure carried past",
    "the highest trigger, a limiter that let each mark allocate at the background workers' share): the scan looked at the held-out",
    "shapes' replays for absurd heaps, not at their errors, and the mends left the predictions at the corpus's settings nearly as they",
    'were (held-out 62 / 47 / 79 % after).',
    '',
    twinLayout
      ? 'Per group (Go release × GOMAXPROCS) and shape: a GOGC=100 baseline run without the execution tracer, as the targets run (its gctrace),' +
        '\na traced twin of it (its gctrace and its execution trace: the trace input), and the'
      : `Per group (Go release × GOMAXPROCS) and shape: a GOGC=100 baseline (gctrace, and an execution trace of the same run) and the`,
    'target runs predicted from it: GOGC 25/50/200/400/800, GOGC=off with a limit of 1.5 × peak live + non-heap ("off-limit"), and',
    'GOGC=100 with a limit of 1.1 × peak live + non-heap (a hard-binding limit, "hardlimit"). Predictions use gpw\'s own non-heap',
    'estimate, as a user would. Go: ' + versions + '.',
    'A third input, runtime/metrics snapshots of the same run (the settings it had, a trace\'s stacks and globals, non-heap memory),',
    'is measured with and without on its own set in [gc-whatif-inputs.md](gc-whatif-inputs.md).',
    ...(twinLayout ? [] : ['',
    '**A bias of the corpus**: the baseline runs with the execution tracer on, the target runs without it, and a traced run marks',
    'more. In side runs of the steady shape (GOGC=100, GOMAXPROCS 2, Go 1.26 and 1.22, on the loaded machine of this page\'s model',
    'changes) the marked heap less the allocation during marking (the live heap at mark start, as gpw reads it; the program keeps',
    '16.3 MiB) was 16.8–17.9 MiB traced and 14.9–15.8 MiB untraced (three runs each), at GOGC 50 17.5 vs 15.2 (one run each). So every',
    'prediction starts from a live heap about 2 MiB larger than the untraced runs it predicts have (the leak shape showed the same):',
    'too few cycles where the live heap is small (GOGC 50, binding limits). The fix is in the corpus, not the model: an untraced baseline for the gctrace input and a traced',
    'twin for the trace input, recorded on a quiet machine (tests/go/gcload-corpus.mjs now records them; this page is from the earlier corpus).']),
    '',
    `Groups: ${[...new Set(groups.map((g) => g.group))].map((name) => `${name} (${groups.filter((g) => g.group === name).reduce((n, g) => n + g.runs.size, 0)} runs)`).join(', ')}; ${runs.length} runs in all` +
      (groups.some((g) => g.dir.includes('/fresh/')) ? ` (${groups.filter((g) => g.dir.includes('/fresh/')).reduce((n, g) => n + g.runs.size, 0)} of them cache and trees, recorded in the fresh set on a busier machine: few of them are quiet).` : '.'),
    '',
    `**Load**: the corpus was made on a 2-core machine (1-minute load average ${load}`,
    `on 2 cores). The CPU each run got (process CPU ÷ GOMAXPROCS × wall, from getrusage) ranged ${(uses[0] * 100).toFixed(0)}–${(uses[uses.length - 1] * 100).toFixed(0)} %`,
    `(median ${(uses[Math.floor(uses.length / 2)] * 100).toFixed(0)} %). A run that got less than 90 % is marked **noisy**: its gctrace CPU figures are shares of a`,
    'wall time stretched by waiting for a CPU, and its marks last longer than on a quiet machine, so more is allocated during each',
    'mark. Noisy runs are reported, not fitted to, and GC CPU is judged only on quiet runs. Regenerate on a quiet machine:',
    '`node scripts/gc-validation.mjs` (makes the corpus with all eight shapes and the repeat set, about 8 min on a quiet machine, then writes this page).',
    '',
    '## Self-replay',
    '',
    'A recording replayed at its own settings is the recording: `simulate.ts` fits, per recorded cycle, how far the trigger, the',
    'allocation during the mark and the goal departed from the pacer model (recorded ÷ modelled) and carries those departures into every',
    'replay; at the recorded settings each replayed cycle lands on a recorded one and reads its figures. Other settings depart from the',
    'recording only by what the model changes.',
    '',
    `Over the corpus's ${selfReplay.length} recordings (gctrace and traces): worst GC count error ${pct(wc.error.gcCount)} (${wc.name}), peak heap`,
    `${pct(wp.error.peakHeap)} (${wp.name}), GC CPU ${pp(wu.error.gcCpuPp)} (${wu.name}).` +
      (otherSelf.length
        ? ` Over the ${otherSelf.length} other logs the tests have (gcload validation runs, Go 1.19–1.26 logs, a trace; tests/unit/gc-self-replay.test.ts): worst ` +
          `${pct(Math.max(...otherSelf.map((r) => Math.abs(r.error.gcCount))))} count, ${pct(Math.max(...otherSelf.map((r) => Math.abs(r.error.peakHeap))))} peak, ` +
          `${pp(Math.max(...otherSelf.map((r) => Math.abs(r.error.gcCpuPp))))} GC CPU.`
        : ''),
    '',
    ...readBackLines(gogcReadBack(dir, () => true)),
    '',
    ...limitReadBackLines(limitReadBack(dir, (m) => !m.heldOut), limitReadBack(dir, (m) => m.heldOut)),
    '',
    '## Predictions',
    '',
    ...summary(dev, 'Development shapes (steady, ramp, sawtooth, leak)'),
    ...summary(held, 'Held-out shapes, all four (goroutines, bursts, cache, trees)'),
    ...summary(held.filter((r) => !FRESH.includes(r.shape)), 'Held-out shapes from the start (goroutines, bursts)'),
    ...summary(held.filter((r) => FRESH.includes(r.shape)), 'Held-out shapes written after the model (cache, trees)'),
    ...cpuErrorSources(dev.filter((r) => !r.noisy), devSweep, { all: devAllocCost.length, fitted: withAllocCost, perWork: devWorkCost }),
    ...spreadSection(repeatability(repoPath('tests/.tmp/gc-corpus/repeat')), repeatMade()),
    '## Trade-off curve',
    '',
    `The GOGC sweep (25, 35, 50, 70, 100, 140, 200, 280, 400, 560, 800) from each of the ${sweeps} recordings: ${monotone} are monotonic (peak`,
    'heap never more than 2 % lower, GC CPU never more than 0.5 pp higher at a larger GOGC). The steps that are not: ' +
      ([...steps].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} (${n})`).join(', ') || 'none') + '.',
    `Each point is the mean over ${PHASES} replays whose cycle trains are moved along the recording (in each, every cycle that leaves the`,
    `recording falls a fixed fraction of its modelled growth, −${PHASE_SPREAD.toFixed(2)}…+${PHASE_SPREAD.toFixed(2)} over the replays, later than in the plain replay, while the heap`,
    'still grows by the modelled growth before it triggers: the plain train, cycle for cycle, read against another stretch of the program,',
    'the trains spread over about a cycle): at GOGC 400 and above a run has a handful of cycles and one',
    'replay\'s peak depends on whether a mark ends just before the live heap drops, which a real run\'s cycles, moved by',
    `timing from run to run, do not keep. With one replay per setting instead, ${monotoneSingle} of the ${sweeps} sweeps are monotonic. The what-if's`,
    'figures use the same mean, so the curve passes through them; a replay at the recorded settings never leaves the recording, so',
    'every phase of it is the recording.',
    'Two rules keep a single cycle from moving the curve. A replay\'s peak counts the heap it ends with after its last cycle: no cycle',
    'starts before the end, and the heap grows with what the program allocates up to it (' +
      `of the ${endAbove.length} real runs at GOGC 400 and above, ${endTops.length} ended with more heap objects by their runtime/metrics than their gctrace peak` +
      (endTops.length ? `: ${endTops.map((x) => `${x.r.group} ${x.r.shape} GOGC ${x.r.settings.gogc}, ${(x.exit / 2 ** 20).toFixed(0)} MiB against ${(x.r.actual.peakHeapBytes / 2 ** 20).toFixed(0)}`).join('; ')}` : '') +
      '), so a setting whose last trigger falls just',
    'past the end does not read as a lower peak than one a little lower whose last cycle fits in (a replay in step with the recording',
    'to its end is the recording, whose peak is its cycles\'). And the program\'s cons/mark at a recorded cycle, which sets how much a',
    'replayed mark there allocates (all of it marked, so it sets the next goal), is the median of that cycle\'s and its neighbours\':',
    'gctrace counts assist time as the wall time goroutines spent assisting, so a mark the OS interrupted reads a utilisation near 1 and',
    'a cons/mark several times the program\'s (when this rule was made: default-p2 leak at GOGC 100 + limit, gc 6, read 3.3 against',
    '0.43–0.83 either side, and a replayed GOGC=400 mark near it allocated 81 MiB where its neighbours\' reading gives 30).',
    `On the settings the real runs have (GOGC 25, 50, 100, 200, 400, 800), ${monotoneAtRuns} of the ${sweeps} sweeps are monotonic.`,
    `In the real runs, the peak fell by more than 2 % with a larger GOGC in ${realSteps.length} step${realSteps.length === 1 ? '' : 's'}${realSteps.length ? `: ${realSteps.join('; ')}` : ''}.`,
    '',
    '## Expected ranges: what drives their width',
    '',
    'A range is the spread of the replays (for count and peak, the lowest and highest of the 16 phase-shifted replays the figure is the',
    'mean of: where the cycles fall against the live heap moves the peak by a cycle\'s growth; and replays with the least certain inputs',
    'moved: mark cost ±15 %, cons/mark at its quartiles, and with a limit the non-heap memory ±30 %), widened by the error measured here',
    'for a setting that far from the recorded one: per unit of',
    `|ln(GOGC / recorded GOGC)| (GOGC 200 from 100 is 0.69, GOGC 25 is 1.39; off counts as 800) ±${(VALIDATION_ERROR.gogc.gcCount * 100).toFixed(0)} % count and`,
    `±${(VALIDATION_ERROR.gogc.peakHeap * 100).toFixed(0)} % peak heap, plus ±${(VALIDATION_ERROR.limit.gcCount * 100).toFixed(0)} % / ±${(VALIDATION_ERROR.limit.peakHeap * 100).toFixed(0)} % when a memory limit is set or changed (not for a limit the recording ran without that no replay comes near: a 10 GiB limit over a 60 MiB heap leaves the range as GOGC alone gives it: error-bands.ts outOfReach); GC CPU ±${(VALIDATION_ERROR.gogc.gcCpuPoints * 100).toFixed(0)} pp + ${(VALIDATION_ERROR.gogc.gcCpuShare * 100).toFixed(0)} % per unit (limit: ${(VALIDATION_ERROR.limit.gcCpuPoints * 100).toFixed(0)} pp + ${(VALIDATION_ERROR.limit.gcCpuShare * 100).toFixed(0)} %).`,
    'The peak range also reaches as far above the prediction as the recording\'s worst cycle ran past its goal (a burst of allocation',
    'caught mid-cycle overruns the goal before assists catch up; whether a replayed cycle meets one depends on where the cycles fall).',
    'At the recorded settings the range is the recorded value. So a range is wide when the setting is far from the recording, when a',
    'limit is involved (the non-heap memory is an estimate), when the program\'s recorded cons/mark varies a lot between cycles, when',
    'its peak turns on where a cycle falls (a live heap that builds and drops, bursts: the phase-shifted replays spread), and',
    '(peak, upwards) when the recording shows a cycle overrunning its goal.',
    'The rates are the central figure\'s error, laid around the replays\' spread rather than around the central figure alone, so a range',
    'counts some uncertainty twice and is conservative on the development shapes. That is deliberate. Without the phase spread (at stop 22,',
    'a2a9114, with the rates then in use) the held-out shapes\' peak ranges held 83 % of the real peaks; with it, and the same rates, 96 %.',
    'Rates fitted instead to how far the development shapes\' actual values fell outside the replays\' spread (count 0.08, peak 0.03 per',
    'unit) gave narrower ranges (median half width ±24 % / ±30 % on the development shapes, against ±34 % / ±58 % now) that held 93 % / 97 % of the',
    'development runs\' counts and peaks but 78 % of the held-out peaks:',
    'the development shapes\' peaks move with the phase less than other programs\' do, so that fit does not carry.',
    `The rates are the 90th percentiles of the development shapes' errors per unit of distance (held-out shapes not used); fitted on this corpus: count ${cal.gogc.gcCount.toFixed(2)},`,
    `peak ${cal.gogc.peakHeap.toFixed(2)} per unit; limit ${cal.limit.gcCount.toFixed(2)} / ${cal.limit.peakHeap.toFixed(2)} (GC CPU: ${cal.quietRows} quiet rows, so the GC CPU rates are kept from the earlier quiet validation of tests/go/gcload).`,
    '',
    '## Memory limits: what the runtime counts against them',
    '',
    "Under a memory limit the runtime's goal is the limit less everything mapped that holds no heap object, less 3 % headroom",
    '(`memoryLimitHeapGoal` in mgcpacer.go); the replay takes that memory as one figure, gpw\'s non-heap estimate. Inverting the recorded',
    `goals of the ${limited.runs} development runs with a limit (limit − goal ÷ 0.97, in the cycles the limit's goal bound and was above the marked`,
    `heap): within a run that memory moves, a median ${mib(limited.spread.counted)} MiB between its quartiles, and ${mib(limited.spread.held)} MiB once the gap between the heap's`,
    "high-water mark so far and the cycle's end heap is taken off. The heap keeps the pages it took (spans that still hold a survivor,",
    'free pages not yet returned), so a heap that shrank below its high-water mark has that much less room under the limit. What is',
    `left is near the estimate (median distance ${mib(limited.fromEstimate.held)} MiB; without taking the gap off, ${mib(limited.fromEstimate.counted)} MiB).`,
    `Where the high-water mark passed the limit less that figure (${limited.over.runs} runs), ${limited.over.pinned} ran two or more cycles back to back with the goal`,
    `pinned at the marked heap, against ${limited.under.pinned} of the other ${limited.under.runs}: a sawtooth whose mark overshot the limit's room collects continuously`,
    'until its live heap drops. The replay does not model the held pages (its non-heap memory is constant), and these runs are',
    'among those whose cycles it undercounts most. Whether a run gets there turns on an overshoot of a MiB or two past the limit\'s room, finer',
    'than the replay\'s peak heap error, and a replay that counted the gap pinned where the real runs did not (`GC_EVAL_LIMIT=1` in',
    '`tests/gc-corpus/gc-eval.ts` prints this per run). A mark does stop near the limit\'s goal: the extrapolated goal of a mark past',
    'its expected work is held to it (the overage the runtime subtracts once mapped memory passes the limit pulls the goal down).',
    '',
    `Why the replay undercounts the limited runs' cycles (${limitUndercounts} of the ${limitCountMisses.length} count misses under a limit, both sets, are too few cycles). The`,
    "runtime re-reads the limit's goal at every trigger test and during the mark, with the heap's objects as they are then",
    '(`heapGoalInternal` → `memoryLimitHeapGoal`: mappedReady − heapFree − heapAlloc counted, so the free slots of the spans in use count',
    "against the limit), and gctrace prints the goal taken at the cycle's end (`endCycle`, `lastHeapGoal`), with the end heap's objects. So",
    "the relation above (counted ≈ estimate + high-water − end heap) is in part the printed goal's own arithmetic (a limited mark ends near",
    "its goal), not a figure the replay can carry. What the cycles show: in the cycles the limit's goal bound, the real runs' heap grew a",
    `median ${limited.growthRatio.toFixed(2)} × the replay's from the marked heap to the trigger (median over the runs; the replay from each run's baseline), and their`,
    `goals sat a median ${mib(limited.goalBelow)} MiB below the replay's: the runtime starts each cycle early, on a goal lowered by the spans the heap still holds`,
    "above its objects. A replay whose trigger read the goal less (high-water mark − the heap at the trigger) counted the hard-limit runs'",
    'cycles far better (tried at stop 27, measured once on this corpus: median count error 12.9 → 6.1 %, 11 → 15 of 24 within target, self-replay',
    'still exact) but overcounted GOGC=off + limit (15 → 46 %): its marks, still paced to the goal without the gap, allocate up to the',
    "limit's goal, and all of that is marked. Pacing the marks to the lowered goal too made every limited setting worse, and at the heap",
    "left after a drop that goal falls under the heap (continuous collection) where the real runs' next cycles start well above their",
    'marked heap: spans are freed as the heap drops, by an amount gctrace does not show. Tried again at stop 31 (on the corpus of that',
    "stop), with the spans held from cycle to cycle rather than the high-water mark: the end heap's spans kept after each cycle, less the",
    "recorded live heap's drop since the cycle before (objects that die together were mostly made together, so their spans come free",
    "whole). The trigger reading the goal less that gap took the development sawtooth's median count error from 17.8 to 11.8 %, but",
    'GOGC=off + limit from 18 to 35 % (too many cycles) and steady from 4.8 to 8.3 %; pacing the marks to the lowered goal too took',
    'GOGC=off + limit to 370 %. So in the steady and off-limit runs the runtime reuses the free slots of the spans it holds before',
    'their gap can move the trigger, and at the sawtooth\'s top it does not; what decides that (how much of the heap the background',
    'sweeper has swept before the mutator allocates into it) is not in a gctrace log. Not in the model yet: the spans the heap holds,',
    'for the trigger and the mark together.',
    '',
    ...limiterSection(existsSync(repoPath('tests/.tmp/gc-corpus/limiter')) ? evaluateCorpus(repoPath('tests/.tmp/gc-corpus/limiter')).predictions : []),
    '## Every prediction',
    '',
    '✗ after a range: the actual value lies outside it. "misses": figures outside the targets (GC CPU only for quiet runs).',
    '',
    '### Development shapes',
    '',
    ...table(dev),
    '',
    '### Held-out shapes',
    '',
    ...table(held),
    '',
    '## Misses',
    '',
    ...predictions
      .filter((r) => misses(r).length > 0)
      .map((r) => `- ${r.heldOut ? '(held out) ' : ''}${r.group} ${r.shape} ${setting(r)}: ${misses(r).map((m) => (m === 'count' ? `count ${pct(r.error.gcCount)}` : m === 'peak' ? `peak ${pct(r.error.peakHeap)}` : `GC CPU ${pp(r.error.gcCpuPp)}`)).join(', ')}${r.noisy ? ` (noisy: CPU ${(r.cpuUse * 100).toFixed(0)} / ${(r.baseCpuUse * 100).toFixed(0)} %)` : ''}`),
    '',
    '## Self-replay of every corpus recording',
    '',
    '| recording | GC count: recorded → replayed | peak heap MiB | GC CPU % |',
    '|---|---|---|---|',
    ...selfReplay.map(
      (r) =>
        `| ${r.name} | ${r.recorded.gcCount} → ${r.replayed.gcCount} (${pct(r.error.gcCount)}) | ${mib(r.recorded.peakHeapBytes)} → ${mib(r.replayed.peakHeapBytes)} (${pct(r.error.peakHeap)}) | ` +
        `${(r.recorded.gcCpuFraction * 100).toFixed(2)} → ${(r.replayed.gcCpuFraction * 100).toFixed(2)} (${pp(r.error.gcCpuPp)}) |`,
    ),
    '',
  ];
  writeFileSync(repoPath('docs/gc-validation.md'), lines.join('\n'));
  writeFileSync(repoPath('tests/.tmp/gc-corpus-full.json'), JSON.stringify({ predictions, selfReplay, calibration: cal }, null, 1));
  console.log(`docs/gc-validation.md: ${predictions.length} predictions (${held.length} held out), ${selfReplay.length} self-replays; calibration ${JSON.stringify(cal)}`);
});

/** When and under what load the repeat set was made (its runs' metas), for the run-to-run section. */
function repeatMade(): string {
  const runs = readCorpus(repoPath('tests/.tmp/gc-corpus/repeat')).flatMap((g) => [...g.runs.values()]);
  const loads = runs.map((m) => m.load ?? NaN).filter(Number.isFinite).sort((a, b) => a - b);
  const uses = runs.map((m) => m.cpuUse).sort((a, b) => a - b);
  if (!runs.length) return '';
  const q = (xs: number[], f: number): number => xs[Math.floor(f * (xs.length - 1))];
  return `${runs.length} runs; 1-minute load average ${q(loads, 0).toFixed(1)}–${q(loads, 1).toFixed(1)} (median ${q(loads, 0.5).toFixed(1)}); CPU each run got ${(q(uses, 0) * 100).toFixed(0)}–${(q(uses, 1) * 100).toFixed(0)} % (median ${(q(uses, 0.5) * 100).toFixed(0)} %)`;
}

/** The recorded GOGC read back from the goals, for the self-replay section. */
function readBackLines(back: ReturnType<typeof gogcReadBack>): string[] {
  const misreadAs = (r: ReturnType<typeof gogcReadBack>['misread'][number]): string =>
    `${r.name} (GOGC=${r.set}: ${r.source === 'inferred' ? `read as ${r.read}` : `too few cycles to read it from, taken as ${r.read} and labelled ${r.source}`})`;
  const list = back.misread.map(misreadAs).join(', ');
  const traceList = back.traces.misread.map(misreadAs).join(', ');
  const middleList = back.middles.misread.map((r) => `${r.name} (GOGC=${r.set}: read as ${r.read}, ${r.source})`).join(', ');
  return [
    'Without its settings a recording replays at the GOGC read back from its goals (`recorded.ts` `inferGogc`: gctrace prints the goal',
    'and what it came from in whole MiB, so each cycle allows a range; the roundest value all ranges hold; one paced cycle is enough over 32 MiB of marked heap, stacks and globals, when its range holds a single multiple of 50). Of the corpus\'s',
    `${back.runs} runs without a memory limit, ${back.runs - back.misread.length} read back their own GOGC${list ? `; not: ${list}` : ''}.`,
    `An execution trace carries no stacks or globals: its GOGC is the slope of the goal less the marked heap over the marked heap`,
    `(\`from-trace.ts\` \`gogcFromGoals\`, the roots adding a constant), then its roots are read back from its goals. Of those runs' ${back.traces.runs} traces,`,
    `${back.traces.runs - back.traces.misread.length} read back their own GOGC${traceList ? `; not: ${traceList}` : ''} (9 read 95–120 while a cycle the program ran after turning GOGC off at its exit, whose goal a trace gives as 0, stood among the points, until stop 32).`,
    `A trace taken in the middle of a steady run has no start-up, whose small marked heaps tell the roots apart from GOGC, and its marked heap may vary too little`,
    `for a slope: its goals read alone are then the most GOGC can be, and the roundest value down to roots of ${Math.round(ROOTLESS_ROOTS_SHARE * 100)} % of the marked heap is taken`,
    `and labelled as read without the roots (\`recorded.ts\` \`gogcUnderRootless\`). Of the same traces cut to their last two thirds of cycles,`,
    `${back.middles.runs - back.middles.misread.length} read back their own GOGC (21 before stop 32, when the goals read alone were taken: 110–120 at GOGC 100)${middleList ? `; not: ${middleList}` : ''}.`,
  ];
}

/** The limited logs' settings read back, for the self-replay section. */
function limitReadBackLines(dev: ReturnType<typeof limitReadBack>, held: ReturnType<typeof limitReadBack>): string[] {
  const misses = [...dev.rows, ...held.rows].filter((r) => !r.limitOk).map((r) => `${r.name} (${r.set}: read ${r.read})`);
  return [
    'A log recorded under a memory limit that binds most cycles has every such goal at the limit\'s, and those goals read alone as a lower',
    'GOGC without a limit (a GOGC=100 steady program under 34 MiB read as GOGC=40). What no GOGC does gives the limit away',
    '(`gc-analysis.ts` `limitSigns`): a goal pinned at the heap marked before it, a process\'s first goal over the heap minimum',
    '(4 MiB × GOGC/100; with GOGC off the first goal is the limit\'s), or a first goal at the heap minimum of a GOGC well above what the',
    'later goals read. The limit is then read from the goals\' ceiling, and GOGC from the first goal, or from the goals well under the',
    'ceiling; where neither is there GOGC=100 is taken and the page says so. Of the development shapes\' ' + `${dev.runs} limited logs, ${dev.limitRead} read their limit`,
    `within 10 % and ${dev.gogcRead} their GOGC (16 and 20 before stop 32); of the held-out shapes' ${held.runs}, ${held.limitRead} and ${held.gogcRead} (3 and 4; the rule was made on the`,
    'development shapes). A limit that binds only in the last cycles or not at all (a leak or ramp whose heap just reaches it) leaves',
    `too few goals to read it from${misses.length ? `: ${misses.join(', ')}` : ''}.`,
  ];
}

/** The runtime/metrics a run of the corpus recorded at exit (group, shape, target), if any. */
function runMetrics(groups: ReturnType<typeof readCorpus>, group: string, shape: string, target: string): Record<string, number> | undefined {
  const g = groups.find((x) => x.group === group);
  for (const meta of g?.runs.values() ?? []) if (meta.shape === shape && meta.target === target) return (meta as { metrics?: Record<string, number> }).metrics;
  return undefined;
}
