// gpw gc ID|FILE: a gctrace log's (or an execution trace's GC cycles') summary, a GOGC / GOMEMLIMIT
// what-if, or the GOGC trade-off.

import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import { parseByteSize, formatByteSize } from '../analysis/gc/byte-size.js';
import { gcRunView, gcTradeoff, gcWhatIf, SETTINGS_SOURCE, type GcModel, type GcTradeoffPoint } from '../analysis/gc/gc-analysis.js';
import { describeGcCpu } from '../analysis/gc/from-metrics.js';
import { detectFormat, DETECT_HEAD_BYTES } from '../formats/detect-format.js';
import type { Engine } from '../engine.js';
import { readInputFile } from '../import/input-file.js';
import { flag, integerFlag, type FlagSpec, type ParsedArgs } from './args.js';

export const GC_USAGE = `  gpw gc ID|FILE [--summary] [--json]
  gpw gc ID|FILE --what-if --gogc N|off [--memlimit SIZE] [--gomaxprocs N] [--nonheap SIZE] [--metrics DUMP] [--json]
      (a library GC log or trace uses its run's runtime/metrics snapshots; a FILE those of --metrics DUMP)
  gpw gc ID|FILE --tradeoff [--memlimit SIZE] [--budget SIZE] [--nonheap SIZE] [--json]
  gpw gc --series ID ID... | --series --run RUN [--json]   (expvar / Prometheus snapshots over time)`;

export const GC_FLAGS: Record<string, FlagSpec> = {
  summary: { value: false },
  'what-if': { value: false },
  tradeoff: { value: false },
  gogc: { value: true },
  memlimit: { value: true },
  gomaxprocs: { value: true },
  nonheap: { value: true },
  budget: { value: true },
  series: { value: false },
  run: { value: true },
  metrics: { value: true },
};

export async function gcCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  if (args.flags.has('series')) return series(engine, args, json);
  if (args.flags.has('run')) throw new GpwError('invalid_argument', '--run goes with --series');
  if (args.positional.length !== 1) throw new GpwError('invalid_argument', `gpw gc needs one ID or FILE\n${GC_USAGE}`);
  const modes = ['summary', 'what-if', 'tradeoff'].filter((m) => args.flags.has(m));
  if (modes.length > 1) throw new GpwError('invalid_argument', `--${modes.join(' and --')} cannot be combined`);
  const mode = modes[0] ?? 'summary';
  for (const f of ['gogc', 'gomaxprocs'] as const) {
    if (mode !== 'what-if' && args.flags.has(f)) throw new GpwError('invalid_argument', `--${f} goes with --what-if`);
  }
  if (mode === 'summary' && (args.flags.has('memlimit') || args.flags.has('budget') || args.flags.has('nonheap'))) {
    throw new GpwError('invalid_argument', '--memlimit, --budget and --nonheap go with --what-if or --tradeoff');
  }
  const model = await loadModel(engine, args.positional[0], flag(args, 'metrics'));
  if (mode === 'summary') return summary(model, json);
  if (mode === 'what-if') return whatIf(model, args, json);
  return tradeoff(model, args, json);
}

async function loadModel(engine: Engine, target: string, metricsFile: string | undefined): Promise<GcModel> {
  if (!existsSync(target)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(target)) throw new GpwError('not_found', `${target}: no such file`);
    if (metricsFile !== undefined) throw new GpwError('invalid_argument', '--metrics goes with a FILE; a library GC log or trace uses the snapshots of its run (gpw import --run)');
    return engine.gc.model(target);
  }
  const full = resolve(target);
  const name = basename(full);
  const bytes = readInputFile(full);
  const metrics = metricsFile === undefined ? null : engine.gc.metricsOfDumpBytes(basename(metricsFile), readInputFile(resolve(metricsFile)));
  const detected = detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES));
  if (detected.format === 'gotrace') return engine.gc.modelOfTraceBytes(name, bytes, metrics);
  if (detected.format !== 'gctrace') {
    const what = detected.format === null ? detected.reason : `this is a ${detected.format} file`;
    throw new GpwError('bad_input', `${name}: not a gctrace log (${what}); gpw gc reads the stderr of a Go program run with GODEBUG=gctrace=1, or a Go execution trace`);
  }
  return engine.gc.modelOfBytes(name, bytes, metrics);
}

function summary(model: GcModel, json: boolean): string {
  const view = gcRunView(model);
  const r = view.recorded;
  if (json) {
    return JSON.stringify({
      recorded: r,
      goVersion: view.goVersion,
      goVersionHint: view.goVersionHint,
      processes: view.processes,
      otherLines: view.otherLines,
      warnings: view.warnings,
    });
  }
  const lines = [
    `GC cycles       ${r.gcCount} (${r.forcedCount} forced)`,
    `GC CPU          ${(r.gcCpuFraction * 100).toFixed(0)} % of available CPU (from the cycles: ${(r.gcCpuFractionFromCycles * 100).toFixed(1)} %)`,
    `peak heap       ${formatByteSize(r.peakHeapBytes)} (peak live ${formatByteSize(r.peakLiveBytes)})`,
    `mean interval   ${r.meanIntervalSec === null ? '-' : `${(r.meanIntervalSec * 1000).toFixed(1)} ms`}`,
    `pauses          ${r.pauseTotalMs.toFixed(1)} ms in total, longest ${r.maxPauseMs.toFixed(2)} ms`,
    `assists         ${r.assistCpuMs.toFixed(1)} ms CPU`,
    `run             ${r.durationSec.toFixed(2)} s, GOMAXPROCS ${r.procs}${r.inferredGogc !== null ? `, GOGC ≈ ${r.inferredGogc}` : ''}`,
  ];
  for (const w of view.warnings) lines.push(`warning: line ${w.line}: ${w.message}`);
  return lines.join('\n');
}

function whatIf(model: GcModel, args: ParsedArgs, json: boolean): string {
  const gogcText = flag(args, 'gogc');
  if (gogcText === undefined) throw new GpwError('invalid_argument', '--what-if needs --gogc N|off');
  const gogc = parseGogc(gogcText);
  const memLimitBytes = sizeFlag(args, 'memlimit');
  const gomaxprocs = args.flags.has('gomaxprocs') ? integerFlag(args, 'gomaxprocs', 0) : undefined;
  if (gomaxprocs !== undefined && (gomaxprocs < 1 || gomaxprocs > 1024)) throw new GpwError('invalid_argument', '--gomaxprocs must be between 1 and 1024');
  const w = gcWhatIf(model, { gogc, memLimitBytes, gomaxprocs, nonHeapBytes: sizeFlag(args, 'nonheap') });
  const pick = (f: { gcCount: number; peakHeapBytes: number; gcCpuFraction: number }) => ({ gcCount: f.gcCount, peakHeapBytes: Math.round(f.peakHeapBytes), gcCpuFraction: round4(f.gcCpuFraction) });
  if (json) {
    return JSON.stringify({
      recorded: pick(w.recorded),
      predicted: pick(w.predicted),
      settings: w.settings,
      basis: w.basis,
      expected: {
        gcCount: [Math.floor(w.bands.gcCount.low), Math.ceil(w.bands.gcCount.high)],
        peakHeapBytes: [Math.round(w.bands.peakHeapBytes.low), Math.round(w.bands.peakHeapBytes.high)],
        gcCpuFraction: [round4(w.bands.gcCpuFraction.low), round4(w.bands.gcCpuFraction.high)],
        basis: w.bands.basis,
      },
      predictedPauseTotalMs: round4(w.predicted.pauseTotalMs),
      predictedAssistCpuMs: round4(w.predicted.assistCpuMs),
      limiterEngaged: w.predicted.limiterEngaged,
      warnings: w.warnings,
    });
  }
  const b = w.bands;
  const row = (name: string, rec: string, pred: string, band: string): string => `${name.padEnd(12)}${rec.padStart(14)}${pred.padStart(14)}   ${band}`;
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `what if GOGC=${gogc < 0 ? 'off' : gogc}${memLimitBytes ? ` GOMEMLIMIT=${formatByteSize(memLimitBytes)}` : ''}${gomaxprocs ? ` GOMAXPROCS=${gomaxprocs}` : ''}`,
    row('', 'recorded', 'predicted', 'expected range'),
    row('GC cycles', String(w.recorded.gcCount), String(w.predicted.gcCount), `${Math.floor(b.gcCount.low)}–${Math.ceil(b.gcCount.high)}`),
    row('peak heap', formatByteSize(w.recorded.peakHeapBytes), formatByteSize(w.predicted.peakHeapBytes), `${formatByteSize(b.peakHeapBytes.low)}–${formatByteSize(b.peakHeapBytes.high)}`),
    row('GC CPU', pct(w.recorded.gcCpuFraction), pct(w.predicted.gcCpuFraction), `${pct(b.gcCpuFraction.low)}–${pct(b.gcCpuFraction.high)}`),
    row('pauses', `${w.recorded.pauseTotalMs.toFixed(1)} ms`, `${w.predicted.pauseTotalMs.toFixed(1)} ms`, ''),
    row('assist CPU', `${w.recorded.assistCpuMs.toFixed(1)} ms`, `${w.predicted.assistCpuMs.toFixed(1)} ms`, ''),
  ];
  const rs = w.basis.recordedSettings;
  lines.push(
    `rests on: ${w.basis.restsOn}`,
    `input: ${w.basis.inputDescription}; recorded at GOGC=${rs.gogc < 0 ? 'off' : rs.gogc}${rs.memLimitBytes !== null ? ` GOMEMLIMIT=${formatByteSize(rs.memLimitBytes)}` : ''} (${SETTINGS_SOURCE[rs.source]})${w.basis.selfReplay ? ', its own settings: the replay is the recording' : ''}`,
  );
  const cpu = w.basis.metrics?.gcCpu;
  if (cpu) lines.push(`runtime/metrics GC CPU: ${describeGcCpu(cpu)}`);
  for (const warning of w.basis.metrics?.warnings ?? []) lines.push(`note: ${warning}`);
  lines.push(`expected range: ${b.basis}`);
  if (!w.basis.selfReplay) lines.push(`predicted: ${w.basis.estimator}`);
  for (const warning of w.warnings) lines.push(`note: ${warning}`);
  return lines.join('\n');
}

function tradeoff(model: GcModel, args: ParsedArgs, json: boolean): string {
  const t = gcTradeoff(model, { memLimitBytes: sizeFlag(args, 'memlimit'), budgetBytes: sizeFlag(args, 'budget'), nonHeapBytes: sizeFlag(args, 'nonheap') });
  if (json) return JSON.stringify(t);
  const line = (p: GcTradeoffPoint): string =>
    `GOGC=${(p.gogc < 0 ? 'off' : String(p.gogc)).padEnd(5)}${p.memLimitBytes !== null ? ` limit ${formatByteSize(p.memLimitBytes)}` : ''}  peak heap ${formatByteSize(p.peakHeapBytes).padStart(9)}  GC CPU ${(p.gcCpuFraction * 100).toFixed(1).padStart(5)} %${p.continuous ? '  (continuous GC)' : ''}`;
  const lines = [`recorded: peak heap ${formatByteSize(t.recorded.peakHeapBytes)}, GC CPU ${(t.recorded.gcCpuFraction * 100).toFixed(0)} %`, ...t.sweep.map(line)];
  if (t.limitSweep) lines.push('with the memory limit:', ...t.limitSweep.map(line));
  if (t.budget) lines.push(`within ${formatByteSize(t.budget.budgetBytes)}: ${t.budget.reason}`);
  for (const w of t.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function parseGogc(text: string): number {
  if (text.toLowerCase() === 'off') return -1;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 100_000) throw new GpwError('invalid_argument', `--gogc must be off or a whole number from 1 to 100000, not "${text}"`);
  return Number(text);
}

function sizeFlag(args: ParsedArgs, name: string): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  const parsed = parseByteSize(v);
  if ('problem' in parsed) throw new GpwError('invalid_argument', `--${name}: ${parsed.problem}`);
  if (name !== 'nonheap' && parsed.bytes < 2 ** 20) throw new GpwError('invalid_argument', `--${name} must be at least 1 MiB`);
  return parsed.bytes;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

async function series(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const run = flag(args, 'run');
  const others = [...args.flags.keys()].filter((f) => f !== 'series' && f !== 'run' && f !== 'json' && f in GC_FLAGS);
  if (others.length) throw new GpwError('invalid_argument', `--series does not take --${others.join(', --')}`);
  if ((run === undefined) === (args.positional.length === 0)) throw new GpwError('invalid_argument', `--series needs library IDs of snapshots or --run RUN, not both\n${GC_USAGE}`);
  const s = await engine.gcSeries(run !== undefined ? { run } : { ids: args.positional });
  if (json) return JSON.stringify(s);
  const cell = (v: string, w: number): string => v.padStart(w);
  const lines = [
    `${s.points.length} ${s.points[0].source} snapshots over ${s.durationSec.toFixed(1)} s: ${s.totalCycles ?? '–'} GC cycles, ${s.totalPauseMs === null ? '–' : s.totalPauseMs.toFixed(2)} ms of pauses`,
    `${cell('at s', 8)}${cell('NumGC', 8)}${cell('+cycles', 9)}${cell('heap', 11)}${cell('goal', 11)}${cell('pause/cycle', 13)}${cell('GC CPU', 9)}`,
  ];
  const size = (b: number | null): string => (b === null ? '-' : formatByteSize(b));
  for (const p of s.points) {
    lines.push(
      `${cell(p.atSec.toFixed(1), 8)}${cell(String(p.numGc ?? '-'), 8)}${cell(String(p.cyclesSince ?? '-'), 9)}${cell(size(p.heapAllocBytes), 11)}${cell(size(p.heapGoalBytes), 11)}` +
        `${cell(p.pausePerCycleMs === null ? '-' : `${p.pausePerCycleMs.toFixed(3)} ms`, 13)}${cell(p.gcCpuFraction === null ? '-' : `${(p.gcCpuFraction * 100).toFixed(2)} %`, 9)}`,
    );
  }
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
