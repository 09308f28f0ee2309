// Summary figures of the what-if on the full validation corpus, per shape, Go release, GOMAXPROCS and
// setting, from the recordings already made (tests/.tmp/gc-corpus/full): for measuring a model change
// without writing docs/gc-validation.md. Development shapes only unless GC_EVAL_HELD_OUT=1 (then the
// held-out shapes only: look at them once, at the end). GC_EVAL_TRACES=1 adds the execution-trace
// input; GC_EVAL_CURVE=1 the trade-off curve's monotonicity (GC_EVAL_SWEEPS=1: the sweeps that are not).
// Diagnostics (environment only): GC_EVAL_CYCLES=<target> (replayed against real cycles, with the background
// mark share and mark length of baseline and run), GC_EVAL_GCCPU=1 (where the GC CPU error comes from, per target),
// GC_EVAL_DEBUG=<group>/<run> (one replay cycle by cycle), GC_EVAL_LIMIT=1 (what the limited runs' goals say about the memory
// counted against the limit besides heap objects, and how much of it the heap's high-water mark explains).
// GC_EVAL_ASSIST=1 (how sharply assists take over from background marking, per GOMAXPROCS: the real runs' allocation during
// each mark against the two rates the model combines; mark-phase.ts assistSharpness).
// GC_EVAL_MARKCPU=1 (what a byte allocated during a mark costs in mark CPU, as a share of a byte of work: simulate.ts
// MARK_CPU_PER_ALLOCATED_BYTE).
// GC_EVAL_SCAN=1: every recording (gctrace and trace, all shapes: it looks for absurd replays, not at errors) replayed far from
// its own settings, listing the replays whose heap leaves what the settings bound (helpers/gc-corpus.ts farSettingsScan).
// GC_EVAL_SPREAD=1 (--spread): the run-to-run spread of the repeat set (tests/.tmp/gc-corpus/repeat) beside gpw's predictions
// from each of its repeated baselines (tests/helpers/gc-repeat.ts), both parts of the corpus: it tunes nothing.
//   node scripts/gc-validation.mjs --eval [--held-out] [--traces] [--curve] [--spread]   (GC_EVAL_SCAN=1 in the environment: the scan)
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'vitest';
import { VALIDATION_ERROR } from '../../src-main/analysis/gc/error-bands';
import { buildGcModel, gcTradeoff } from '../../src-main/analysis/gc/gc-analysis';
import { assistedRate } from '../../src-main/analysis/gc/mark-phase';
import { simulate } from '../../src-main/analysis/gc/simulate';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { baselineModel, calibrate, evaluateCorpus, farSettingsScan, gogcReadBack, limitReadBack, limitAccounting, limitAccountingSummary, medianHalfWidth, readCorpus, settingsOfEnv, TARGETS, type PredictionRow } from '../helpers/gc-corpus';
import { repeatability } from '../helpers/gc-repeat';
import { repoPath } from '../helpers/paths';

const heldOut = process.env.GC_EVAL_HELD_OUT === '1';
const pick = (m: { heldOut: boolean }): boolean => m.heldOut === heldOut;
/** The upper of the two middle values (the diagnostics' medians; NaN for none). */
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function line(label: string, rows: PredictionRow[]): string {
  const quiet = rows.filter((r) => !r.noisy);
  const cover = (k: keyof PredictionRow['inRange']): string => `${((100 * rows.filter((r) => r.inRange[k]).length) / rows.length).toFixed(0)}`;
  const within = (k: 'gcCount' | 'peakHeap'): number => rows.filter((r) => Math.abs(r.error[k]) <= TARGETS[k]).length;
  const halfWidth = (k: 'gcCount' | 'peakHeapBytes'): string => (medianHalfWidth(rows, k) * 100).toFixed(0);
  const signed = (k: 'gcCount' | 'peakHeap'): string => `${(med(rows.map((r) => r.error[k])) * 100).toFixed(1)}`;
  return (
    `${label.padEnd(22)} n=${String(rows.length).padStart(3)}  count ${(med(rows.map((r) => Math.abs(r.error.gcCount))) * 100).toFixed(1).padStart(5)} % (signed ${signed('gcCount').padStart(5)}, in ${within('gcCount')})` +
    `  peak ${(med(rows.map((r) => Math.abs(r.error.peakHeap))) * 100).toFixed(1).padStart(5)} % (signed ${signed('peakHeap').padStart(5)}, in ${within('peakHeap')})` +
    `  cpu ${med(rows.map((r) => Math.abs(r.error.gcCpuPp))).toFixed(1).padStart(4)} pp (quiet ${med(quiet.map((r) => Math.abs(r.error.gcCpuPp))).toFixed(1)}, signed ${med(rows.map((r) => r.error.gcCpuPp)).toFixed(1)})` +
    `  split gc ${med(quiet.map((r) => r.cpuSplit.gcWorkPp)).toFixed(1)} mut ${med(quiet.map((r) => r.cpuSplit.mutatorPp)).toFixed(1)}  cover ${cover('gcCount')}/${cover('peakHeap')}/${cover('gcCpu')} %` +
    `  range ±${halfWidth('gcCount')}/±${halfWidth('peakHeapBytes')} %`
  );
}

test.runIf(process.env.GC_EVAL_SPREAD === '1')('run-to-run spread of the repeat set', () => {
  const f = (e: { gcCount: number; peakHeap: number; gcCpuPp: number }, share = false): string =>
    share
      ? `${(e.gcCount * 100).toFixed(0)}/${(e.peakHeap * 100).toFixed(0)}/${(e.gcCpuPp * 100).toFixed(0)} %`
      : `${(e.gcCount * 100).toFixed(1)} % ${(e.peakHeap * 100).toFixed(1)} % ${e.gcCpuPp.toFixed(1)} pp`;
  for (const r of repeatability(repoPath('tests/.tmp/gc-corpus/repeat'))) {
    const p = r.predictions;
    console.log(
      `${`${r.shape}${r.heldOut ? '*' : ''} ${r.target}`.padEnd(22)} n=${r.runs.length} noisy ${r.noisy}  spread ${f(r.spread.median)} (in ${f(r.spread.within, true)})` +
        (p ? `  predicted ${f(p.median)} (in ${f(p.within, true)}, covered ${f(p.covered, true)})` : ''),
    );
  }
});

test.runIf(process.env.GC_EVAL_SCAN === '1')('every recording replayed far from its own settings', () => {
  const { replays, beyond } = farSettingsScan([repoPath('tests/.tmp/gc-corpus/full'), repoPath('tests/.tmp/gc-corpus/fresh')], { traces: true });
  console.log([...beyond, `${replays} replays, ${beyond.length} beyond what their settings bound`].join('\n'));
});

test.skipIf(process.env.GC_EVAL_SPREAD === '1' || process.env.GC_EVAL_SCAN === '1')('GC what-if summary on the full corpus', () => {
  const dir = [repoPath('tests/.tmp/gc-corpus/full'), repoPath('tests/.tmp/gc-corpus/fresh')];
  const { predictions, selfReplay } = evaluateCorpus(dir, { shapes: pick, traces: process.env.GC_EVAL_TRACES === '1' });
  const out: string[] = [`${heldOut ? 'HELD-OUT' : 'development'} shapes`, line('all', predictions)];
  const by = (title: string, key: (r: PredictionRow) => string): void => {
    out.push(`-- by ${title}`);
    for (const k of [...new Set(predictions.map(key))].sort()) out.push(line(k, predictions.filter((r) => key(r) === k)));
  };
  by('shape', (r) => r.shape);
  by('group', (r) => r.group);
  by('setting', (r) => (r.settings.gogc < 0 ? 'off+limit' : r.settings.memLimitBytes !== null ? `${r.settings.gogc}+limit` : `GOGC ${String(r.settings.gogc).padStart(3)}`));
  if (predictions.some((r) => r.fromTrace)) {
    const t = predictions.filter((r) => r.fromTrace).map((r) => ({ ...r, error: r.fromTrace!.error }));
    out.push('-- from the execution trace', line('trace', t));
  }
  const worst = (k: 'gcCount' | 'peakHeap' | 'gcCpuPp'): number => Math.max(...selfReplay.map((r) => Math.abs(r.error[k])));
  out.push(`self-replay worst: count ${(worst('gcCount') * 100).toFixed(2)} %, peak ${(worst('peakHeap') * 100).toFixed(2)} %, cpu ${worst('gcCpuPp').toFixed(2)} pp over ${selfReplay.length}`);
  const rates = (c: ReturnType<typeof calibrate>): string =>
    `count ${c.gogc.gcCount.toFixed(2)}, peak ${c.gogc.peakHeap.toFixed(2)}, limit ${c.limit.gcCount.toFixed(2)} / ${c.limit.peakHeap.toFixed(2)}`;
  out.push(
    `range rates (90th percentile of the error per unit of distance here; error-bands.ts VALIDATION_ERROR has count ${VALIDATION_ERROR.gogc.gcCount}, peak ${VALIDATION_ERROR.gogc.peakHeap}, ` +
      `limit ${VALIDATION_ERROR.limit.gcCount} / ${VALIDATION_ERROR.limit.peakHeap}): ${rates(calibrate(predictions))}`,
  );
  for (const shape of [...new Set(predictions.map((r) => r.shape))].sort()) out.push(`  ${shape}: ${rates(calibrate(predictions.filter((r) => r.shape === shape)))}`);
  const back = gogcReadBack(dir, pick);
  const misread = back.misread.map((r) => `${r.name} ${r.set}→${r.read} (${r.source})`).join(', ');
  out.push(`GOGC read back from the goals: ${back.runs - back.misread.length}/${back.runs} runs without a limit${misread ? ` (${misread})` : ''}`);
  const traceMisread = back.traces.misread.map((r) => `${r.name} ${r.set}→${r.read} (${r.source})`).join(', ');
  out.push(`  from their traces: ${back.traces.runs - back.traces.misread.length}/${back.traces.runs}${traceMisread ? ` (${traceMisread})` : ''}`);
  const lim = limitReadBack(dir, pick);
  out.push(`limits read back: ${lim.limitRead}/${lim.runs} within 10 %, GOGC ${lim.gogcRead}/${lim.runs}`);
  if (process.env.GC_EVAL_LIMITS) for (const r of lim.rows) out.push(`  ${r.name}: ${r.set} -> ${r.read} (${r.source})`);
  if (process.env.GC_EVAL_CURVE === '1') {
    type P = { gogc: number; peakHeapBytes: number; gcCpuFraction: number };
    const worse = (a: P, b: P): boolean => b.peakHeapBytes < a.peakHeapBytes * 0.98 || b.gcCpuFraction > a.gcCpuFraction + 0.005;
    let n = 0;
    let mono = 0;
    let monoRuns = 0;
    const steps = new Map<string, number>();
    for (const g of readCorpus(dir)) {
      for (const [name, meta] of g.runs) {
        if (!pick(meta)) continue;
        const model = buildGcModel(parseGctrace(readFileSync(`${g.dir}/${name}.log`, 'utf8')), { recorded: settingsOfEnv(meta.env) });
        const sw = gcTradeoff(model, {}).sweep;
        n++;
        if (sw.every((p, i) => i === 0 || !worse(sw[i - 1], p))) mono++;
        else if (process.env.GC_EVAL_SWEEPS === '1') out.push(`${g.group} ${name}: ${sw.map((p) => `${p.gogc}:${(p.peakHeapBytes / 2 ** 20).toFixed(0)}/${(p.gcCpuFraction * 100).toFixed(1)}`).join(' ')}`);
        for (let i = 1; i < sw.length; i++) {
          if (!worse(sw[i - 1], sw[i])) continue;
          const k = `${sw[i - 1].gogc}→${sw[i].gogc} ${sw[i].peakHeapBytes < sw[i - 1].peakHeapBytes * 0.98 ? 'peak' : 'cpu'}`;
          steps.set(k, (steps.get(k) ?? 0) + 1);
        }
        const at = sw.filter((p) => [25, 50, 100, 200, 400, 800].includes(p.gogc));
        if (at.every((p, i) => i === 0 || !worse(at[i - 1], p))) monoRuns++;
      }
    }
    out.push(`trade-off curve monotonic: ${mono}/${n} (at the real runs' GOGCs ${monoRuns}/${n}); steps: ${[...steps].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  if (process.env.GC_EVAL_ROWS === '1') {
    for (const r of predictions) {
      out.push(
        `${r.group} ${r.shape} ${r.target} gogc=${r.settings.gogc} lim=${r.settings.memLimitBytes ? (r.settings.memLimitBytes / 2 ** 20).toFixed(0) : '-'}: ` +
          `count ${r.actual.gcCount}→${r.predicted.gcCount.toFixed(1)} (${(r.error.gcCount * 100).toFixed(1)}) peak ${(r.actual.peakHeapBytes / 2 ** 20).toFixed(1)}→${(r.predicted.peakHeapBytes / 2 ** 20).toFixed(1)} (${(r.error.peakHeap * 100).toFixed(1)}) ` +
          `cpu ${(r.actual.gcCpuFraction * 100).toFixed(1)}→${(r.predicted.gcCpuFraction * 100).toFixed(1)}${r.inRange.gcCount ? '' : ' !count'}${r.inRange.peakHeap ? '' : ' !peak'}${r.inRange.gcCpu ? '' : ' !cpu'}`,
      );
    }
  }
  // GC_EVAL_CYCLES=target: per run of that target, the medians of the plain replay's cycles beside the real run's
  // (live at mark start, allocation during the mark, its share of the room to the goal, trigger's share of the span, goal).
  const cyc = process.env.GC_EVAL_CYCLES;
  if (cyc) {
    type C = { heapStartBytes: number; heapEndBytes: number; heapLiveBytes: number; goal: number };
    const stats = (cs: C[]): string => {
      const M = 2 ** 20;
      const rows = cs.slice(2).filter((c) => Number.isFinite(c.goal));
      const prevLive = (i: number): number => cs[i + 1].heapLiveBytes;
      const live = rows.map((c) => (c.heapLiveBytes - (c.heapEndBytes - c.heapStartBytes)) / M);
      const during = rows.map((c) => (c.heapEndBytes - c.heapStartBytes) / M);
      const share = rows.map((c) => (c.heapEndBytes - c.heapStartBytes) / Math.max(c.goal - c.heapStartBytes, 1));
      const trig = rows.map((c, i) => (c.heapStartBytes - prevLive(i)) / Math.max(c.goal - prevLive(i), 1));
      return `live ${med(live).toFixed(1)} during ${med(during).toFixed(1)} room-share ${med(share).toFixed(2)} trig ${med(trig).toFixed(2)} goal ${med(rows.map((c) => c.goal / M)).toFixed(0)} M ${med(rows.map((c) => c.heapLiveBytes / M)).toFixed(1)} n ${rows.length}`;
    };
    for (const g of readCorpus(dir)) {
      for (const [name, meta] of g.runs) {
        if (!pick(meta) || meta.target !== cyc) continue;
        const base = baselineModel(g.dir, meta);
        const real = buildGcModel(parseGctrace(readFileSync(`${g.dir}/${name}.log`, 'utf8')));
        const st = settingsOfEnv(meta.env);
        const sim = simulate(base.baseline, { gogc: st.gogc, memLimitBytes: st.memLimitBytes ?? Infinity, nonHeapBytes: base.defaultNonHeapBytes });
        out.push(`${g.group.padEnd(13)} ${meta.shape.padEnd(9)} replay ${stats(sim.cycles.map((c) => ({ ...c, goal: c.goalBytes })))}`);
        const cmOf = (m: typeof base): number => med(m.baseline.track.consMark.filter((_, i) => !m.baseline.track.forced[i]));
        const costOf = (m: typeof base): number => med(m.baseline.track.markCost.filter((_, i) => !m.baseline.track.forced[i])) * 1e6;
        const durOf = (m: typeof base): number => med(m.baseline.cycles.filter((c) => !c.forced).map((c) => (c.heapEndBytes - c.heapStartBytes) / 2 ** 20));
        const wOf = (m: typeof base): number => med(m.baseline.track.live.map((l, i) => (l + m.baseline.track.stacks[i] + m.baseline.globals) / 2 ** 20));
        out.push(`${''.padEnd(23)} mark ms per MB of work: base ${costOf(base).toFixed(3)} real ${costOf(real).toFixed(3)}; during base ${durOf(base).toFixed(1)} real ${durOf(real).toFixed(1)}; work base ${wOf(base).toFixed(1)} real ${wOf(real).toFixed(1)}`);
        const cpuOf = (m: typeof base): number => med(m.baseline.track.markCost.map((c, i) => c * (m.baseline.track.live[i] + m.baseline.track.stacks[i] + m.baseline.globals)).filter((_, i) => !m.baseline.track.forced[i]));
        const [wb, db, wr, dr] = [wOf(base), durOf(base), wOf(real), durOf(real)];
        out.push(`${''.padEnd(23)} MARKCPU real/work-only ${(cpuOf(real) / (cpuOf(base) * wr / wb)).toFixed(2)} real/work+during ${(cpuOf(real) / ((cpuOf(base) * (wr + dr)) / (wb + db))).toFixed(2)}`);
        out.push(`${''.padEnd(23)} beta ${(base.baseline.markCpuPerAllocatedByte * 2 ** 20).toFixed(3)} ms/MiB vs per work ${(base.baseline.markCpuPerByte * 2 ** 20).toFixed(3)}`);
        out.push(`${''.padEnd(23)} cons/mark base ${cmOf(base).toFixed(2)} real ${cmOf(real).toFixed(2)}; mark util base ${base.baseline.markUtilization.toFixed(2)} real ${real.baseline.markUtilization.toFixed(2)}; background util base ${base.baseline.backgroundUtilization.toFixed(2)} real ${real.baseline.backgroundUtilization.toFixed(2)}; idle share base ${base.baseline.idleShare.toFixed(2)} real ${real.baseline.idleShare.toFixed(2)}; markMs base ${med(base.cycles.filter((c) => !c.forced).map((c) => c.markMs)).toFixed(1)} real ${med(real.cycles.filter((c) => !c.forced).map((c) => c.markMs)).toFixed(1)}`);
        out.push(`${''.padEnd(23)} real   ${stats(real.cycles.filter((c) => !c.forced).map((c) => ({ ...c, goal: c.goalBytes ?? NaN })))}`);
      }
    }
  }
  // GC_EVAL_GCCPU=1: per target (quiet runs), the plain replay against the real run, medians of the ratios: GC count, GC CPU,
  // GC CPU per cycle, mutator CPU (GOMAXPROCS × wall less GC CPU); and the baseline's mutator CPU per byte allocated ÷ the real
  // run's (below 1: the real run's mutator spent more per byte than its GOGC=100 baseline).
  if (process.env.GC_EVAL_GCCPU === '1') {
    const byT = new Map<string, number[][]>();
    for (const g of readCorpus(dir)) {
      for (const [name, meta] of g.runs) {
        if (!pick(meta) || meta.target === 'base' || meta.target === 'base-traced' || meta.noisy) continue;
        const base = baselineModel(g.dir, meta);
        const real = buildGcModel(parseGctrace(readFileSync(`${g.dir}/${name}.log`, 'utf8')));
        const st = settingsOfEnv(meta.env);
        const sim = simulate(base.baseline, { gogc: st.gogc, memLimitBytes: st.memLimitBytes ?? Infinity, nonHeapBytes: base.defaultNonHeapBytes });
        const rb = real.baseline;
        const realMut = rb.totalCpuMs - rb.gcCpuMs;
        const simMut = sim.durationSec * 1000 * (sim.cycles[0]?.procs ?? base.baseline.procs) - sim.gcCpuMs;
        const row = [sim.gcCount / rb.cycles.length, sim.gcCpuMs / rb.gcCpuMs, (sim.gcCpuMs / sim.gcCount) / (rb.gcCpuMs / rb.cycles.length), simMut / realMut, (base.baseline.totalCpuMs - base.baseline.gcCpuMs) / realMut * (rb.lastEndA / base.baseline.lastEndA)];
        const k = meta.target;
        byT.set(k, [...(byT.get(k) ?? []), row]);
      }
    }
    for (const [k, rows] of byT) out.push(`${k.padEnd(10)} n=${rows.length} count sim/real ${med(rows.map((r) => r[0])).toFixed(2)} gcCpu sim/real ${med(rows.map((r) => r[1])).toFixed(2)} per cycle ${med(rows.map((r) => r[2])).toFixed(2)} mutator sim/real ${med(rows.map((r) => r[3])).toFixed(2)} mutator per byte base/real ${med(rows.map((r) => r[4])).toFixed(2)}`);
  }
  // GC_EVAL_DEBUG=group/shape-target: the plain replay's cycles beside the real run's.
  const dbg = process.env.GC_EVAL_DEBUG;
  if (dbg) {
    const [group, run] = dbg.split('/');
    // The first of the corpus's sets that holds the run.
    const gdir = dir.map((d) => `${d}/${group}`).find((d) => existsSync(`${d}/${run}.json`)) ?? `${dir[0]}/${group}`;
    const meta = JSON.parse(readFileSync(`${gdir}/${run}.json`, 'utf8'));
    const base = baselineModel(gdir, meta);
    const real = buildGcModel(parseGctrace(readFileSync(`${gdir}/${run}.log`, 'utf8')));
    const st = settingsOfEnv(meta.env);
    const sim = simulate(base.baseline, { gogc: st.gogc, memLimitBytes: st.memLimitBytes ?? Infinity, nonHeapBytes: base.defaultNonHeapBytes });
    const M = (x: number): string => (x / 2 ** 20).toFixed(1).padStart(6);
    out.push(`nonHeap ${M(base.defaultNonHeapBytes)} MiB`);
    for (let i = 0; i < Math.max(sim.cycles.length, real.cycles.length); i++) {
      const c = sim.cycles[i];
      const r = real.cycles[i];
      out.push(
        `${String(i + 1).padStart(3)} replay ${c ? `${M(c.heapStartBytes)}->${M(c.heapEndBytes)}->${M(c.heapLiveBytes)} goal ${M(c.goalBytes)} u ${c.utilization.toFixed(2)}` : ' '.repeat(45)}` +
          `  | real ${r ? `${M(r.heapStartBytes)}->${M(r.heapEndBytes)}->${M(r.heapLiveBytes)} goal ${M(r.goalBytes ?? NaN)}` : ''}`,
      );
    }
  }
  // GC_EVAL_LIMIT=1: per limited run (hardlimit, off-limit), what its recorded goals say about the memory the runtime counted
  // against the limit besides heap objects (counted = limit − goal ÷ 0.97, the inverse of the 3 % headroom) in the cycles the
  // limit bound, against the model's non-heap estimate; and the same less the gap between the heap's high-water mark so far and
  // the cycle's end heap ("held": the runtime counts mapped memory that holds no heap object, and a heap that shrank below its
  // high-water mark leaves such memory behind). A steady held figure where counted moves says the gap is the cause; pinned
  // counts the cycles whose goal was the marked heap (the limit left no room: back-to-back cycles), real and replayed.
  if (process.env.GC_EVAL_LIMIT === '1') {
    const f1 = (x: number): string => (x / 2 ** 20).toFixed(1).padStart(5);
    const rows = limitAccounting(dir, pick);
    for (const r of rows) {
      out.push(
        `${r.group.padEnd(13)} ${r.shape.padEnd(9)} ${r.target.padEnd(10)} limit ${f1(r.limitBytes)} MiB, estimate ${f1(r.estimateBytes)} | bound ${String(r.bound).padStart(2)}: counted ${f1(r.counted[1])} [${f1(r.counted[0])}–${f1(r.counted[2])}]` +
          `, less held ${f1(r.held[1])} [${f1(r.held[0])}–${f1(r.held[2])}] | high-water ${f1(r.highWaterBytes)} vs limit less held ${f1(r.limitBytes - r.held[1])} | pinned real ${r.pinned} replay ${r.replayPinned}` +
          ` | growth to the trigger real ${f1(r.growth.real)} replay ${f1(r.growth.replay)}, goal real ${f1(r.goal.real)} replay ${f1(r.goal.replay)}`,
      );
    }
    const s = limitAccountingSummary(rows);
    out.push(
      `limited runs ${s.runs}: median spread (p75−p25) of counted ${f1(s.spread.counted)} MiB, less held ${f1(s.spread.held)} MiB; ` +
        `median |median − estimate| counted ${f1(s.fromEstimate.counted)} MiB, less held ${f1(s.fromEstimate.held)} MiB; ` +
        `high-water above the limit less held: ${s.over.runs} runs, ${s.over.pinned} with 2+ pinned cycles; below: ${s.under.runs} runs, ${s.under.pinned}; ` +
        `growth to the trigger real ÷ replay ${s.growthRatio.toFixed(2)}, goal replay − real ${f1(s.goalBelow)} MiB`,
    );
  }
  // GC_EVAL_ASSIST=1: per GOMAXPROCS, every paced cycle (from the third) of the runs without a limit: x = natural ÷ paced rate
  // (natural: the baseline's median cons/mark × 3, bytes per byte of work with background marking alone; paced: the room the
  // pacer left, goal − heap at the start, per byte of the expected work, the cycle before's), y = allocation during the mark ÷
  // paced rate × work (1: held to the goal). Medians of y per band of x, and the power-mean exponent s (y = (1 + x^−s)^(−1/s))
  // that fits the cycles near the change (x in 0.7–3) best (least squares of log y).
  if (process.env.GC_EVAL_ASSIST === '1') {
    const byProcs = new Map<number, [number, number][]>();
    for (const g of readCorpus(dir)) {
      for (const [name, meta] of g.runs) {
        if (!pick(meta) || meta.env.GOMEMLIMIT || meta.env.GOGC === 'off') continue;
        const base = baselineModel(g.dir, meta);
        const cs = buildGcModel(parseGctrace(readFileSync(`${g.dir}/${name}.log`, 'utf8'))).baseline.cycles;
        const natural = 3 * med(base.baseline.track.consMark.filter((_, i) => !base.baseline.track.forced[i]));
        const workOf = (c: (typeof cs)[number]): number => c.heapLiveBytes - (c.heapEndBytes - c.heapStartBytes) + (c.stacksBytes ?? 0) + (c.globalsBytes ?? 0);
        for (let i = 2; i < cs.length; i++) {
          const [c, prev] = [cs[i], cs[i - 1]];
          if (c.forced || prev.forced || c.goalBytes === null) continue;
          const paced = (c.goalBytes - c.heapStartBytes) / workOf(prev);
          const y = (c.heapEndBytes - c.heapStartBytes) / (paced * workOf(c));
          if (paced > 0 && y > 0 && Number.isFinite(y)) byProcs.set(c.procs, [...(byProcs.get(c.procs) ?? []), [natural / paced, y]]);
        }
      }
    }
    const sharp = [1, 1.25, 1.5, 2, 2.5, 3, 4, 6, 8, Infinity];
    for (const [procs, pts] of [...byProcs].sort((a, b) => a[0] - b[0])) {
      const bands = [0.7, 1, 1.4, 2, 3, 6, Infinity];
      const cells = bands.slice(1).map((hi, j) => {
        const inBand = pts.filter(([x]) => x >= bands[j] && x < hi);
        return `x ${bands[j]}–${hi}: y ${med(inBand.map(([, y]) => y)).toFixed(2)} (n ${inBand.length})`;
      });
      const near = pts.filter(([x]) => x >= 0.7 && x < 3);
      const rms = (q: number): number => Math.sqrt(near.reduce((acc, [x, y]) => acc + Math.log(y / assistedRate(x, 1, q)) ** 2, 0) / Math.max(near.length, 1));
      const best = sharp.reduce((a, q) => (rms(q) < rms(a) ? q : a));
      out.push(`GOMAXPROCS ${procs}: ${cells.join('; ')}; best s near the change ${best} (rms log ${rms(best).toFixed(3)}; harmonic s=1 ${rms(1).toFixed(3)}, minimum ${rms(Infinity).toFixed(3)})`);
    }
  }
  // GC_EVAL_MARKCPU=1: per real run (all targets), its median paced mark CPU against its baseline's scaled by
  // (work + c·during) ÷ (the baseline's work + c·during), medians per run; for c from 0 (work alone) to 1 (a byte allocated
  // during a mark costs what a byte of work does): the median ratio over the runs whose marks allocated less than their
  // baseline's (lower GOGC, limits) and over those that allocated more (higher GOGC), and the rms of its log over all.
  if (process.env.GC_EVAL_MARKCPU === '1') {
    type M = ReturnType<typeof buildGcModel>;
    const paced = (m: M, f: (i: number) => number): number => med(m.baseline.cycles.map((_, i) => i).filter((i) => !m.baseline.track.forced[i]).map(f));
    const figures = (m: M): { cpu: number; work: number; during: number } => {
      const t = m.baseline.track;
      const work = (i: number): number => t.live[i] + t.stacks[i] + m.baseline.globals;
      return { cpu: paced(m, (i) => t.markCost[i] * work(i)), work: paced(m, work), during: paced(m, (i) => t.during[i]) };
    };
    const runs: { base: ReturnType<typeof figures>; real: ReturnType<typeof figures> }[] = [];
    for (const g of readCorpus(dir)) {
      for (const [name, meta] of g.runs) {
        if (!pick(meta) || meta.target === 'base' || meta.target === 'base-traced') continue;
        const base = baselineModel(g.dir, meta);
        runs.push({ base: figures(base), real: figures(buildGcModel(parseGctrace(readFileSync(`${g.dir}/${name}.log`, 'utf8')))) });
      }
    }
    for (const c of [0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1]) {
      const ratio = (r: (typeof runs)[number]): number => r.real.cpu / ((r.base.cpu * (r.real.work + c * r.real.during)) / (r.base.work + c * r.base.during));
      const less = runs.filter((r) => r.real.during < r.base.during).map(ratio);
      const more = runs.filter((r) => r.real.during > r.base.during).map(ratio);
      const rms = Math.sqrt(runs.reduce((acc, r) => acc + Math.log(ratio(r)) ** 2, 0) / runs.length);
      out.push(`mark CPU per byte allocated during a mark = ${c.toFixed(1)} × per byte of work: real ÷ predicted, median ${med(less).toFixed(3)} over ${less.length} runs allocating less per mark than their baseline, ${med(more).toFixed(3)} over ${more.length} allocating more; rms log ${rms.toFixed(3)}`);
    }
  }
  console.log(out.join('\n'));
});
