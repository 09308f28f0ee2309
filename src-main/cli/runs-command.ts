// gpw runs / run / compare / trend: runs as first-class, run-against-run comparison with
// statistics, and trends across runs (services/runs-service.ts).

import { existsSync } from 'node:fs';
import { GpwError } from '../api/errors.js';
import type { CompareCell, CompareMode, MetricsCompare, RunComparison, RunInfo, Trend } from '../api/runs-types.js';
import { formatChange, formatFigure, formatP } from '../analysis/runs/figure-format.js';
import type { Engine } from '../engine.js';
import type { CompareSideInput } from '../services/runs-service.js';
import { flag, labelFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const RUNS_USAGE = `  gpw runs [--label k=v]... [--text T] [--json]
  gpw run NAME|ID [--rename NEW] [--label k=v]... [--unlabel KEY]... [--note TEXT] [--delete [--with-artifacts]] [--json]
  gpw run NAME|ID --move ID... | --unrun ID...       (artifacts into this run / out of their run)
  gpw compare A B [--alpha 0.05] [--kind K] [--per-second|--share] [--limit N] [--json]
  gpw compare RUN --previous [...]                    (A, B: run names or ids, artifact ids, or files)
  gpw trend (--kind K --function RE [--sample-index S] | --metric gc.cpu|gc.peakHeap|trace.sync|bench:NAME:UNIT…) [--label k=v]... [--json]`;

const LABEL: FlagSpec = { value: true, repeat: true };
export const RUNS_FLAGS: Record<string, FlagSpec> = { label: LABEL, text: { value: true } };
export const RUN_FLAGS: Record<string, FlagSpec> = {
  label: LABEL,
  unlabel: { value: true, repeat: true },
  rename: { value: true },
  note: { value: true },
  delete: { value: false },
  'with-artifacts': { value: false },
  move: { value: false },
  unrun: { value: false },
};
export const COMPARE_FLAGS: Record<string, FlagSpec> = {
  alpha: { value: true },
  kind: { value: true },
  'per-second': { value: false },
  share: { value: false },
  previous: { value: false },
  limit: { value: true },
};
export const TREND_FLAGS: Record<string, FlagSpec> = {
  kind: { value: true },
  function: { value: true },
  'sample-index': { value: true },
  metric: { value: true },
  label: LABEL,
  text: { value: true },
};

const day = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

function runLine(r: RunInfo): string {
  const counts = Object.entries(r.counts).map(([k, n]) => `${k}:${n}`).join(' ');
  const labels = Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return [r.id, day(r.startedAt), r.name.padEnd(20), counts, labels, r.note ? `# ${r.note.split('\n')[0].slice(0, 80)}` : ''].filter(Boolean).join('  ');
}

export async function runsCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  if (args.positional.length) throw new GpwError('invalid_argument', `gpw runs takes no positional arguments (did you mean gpw run ${args.positional[0]}?)`);
  const runs = await engine.listRuns({ labels: labelFlags(args), text: flag(args, 'text') });
  if (json) return JSON.stringify({ runs });
  if (runs.length === 0) {
    const filtered = args.flags.has('label') || args.flags.has('text');
    return filtered ? 'no run matches those filters' : 'the library has no runs yet: gpw import FILE... --run NAME (or a capture) makes one';
  }
  return runs.map(runLine).join('\n');
}

export async function runCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const [ref, ...rest] = args.positional;
  if (!ref) throw new GpwError('invalid_argument', `gpw run needs a run NAME or ID\n${RUNS_USAGE}`);
  if (args.flags.has('move') || args.flags.has('unrun')) {
    if (rest.length === 0) throw new GpwError('invalid_argument', 'name the artifact ids to move after the run');
    const target = args.flags.has('unrun') ? undefined : ref;
    const r = await engine.moveArtifacts({ ids: rest, run: target });
    return json ? JSON.stringify(r) : `moved ${r.moved} artifact(s) ${target ? `into run "${target}"` : 'out of their run'}`;
  }
  if (rest.length) throw new GpwError('invalid_argument', `unexpected argument ${rest[0]}`);
  if (args.flags.has('delete')) {
    const r = await engine.deleteRun({ run: ref, deleteArtifacts: args.flags.has('with-artifacts') });
    return json ? JSON.stringify(r) : `deleted run ${ref}${r.artifactsDeleted ? ` and ${r.artifactsDeleted} artifact(s)` : ' (its artifacts stay in the library)'}`;
  }
  const change = { rename: flag(args, 'rename'), labels: labelFlags(args), removeLabels: args.flags.get('unlabel'), note: flag(args, 'note') };
  const edits = change.rename !== undefined || Object.keys(change.labels).length > 0 || change.removeLabels !== undefined || change.note !== undefined;
  const run = edits ? await engine.updateRun({ run: ref, ...change }) : (await engine.getRun({ run: ref })).run;
  const { artifacts } = await engine.getRun({ run: run.id });
  if (json) return JSON.stringify({ run, artifacts });
  const lines = [runLine(run)];
  if (run.note) lines.push(`note: ${run.note}`);
  for (const a of artifacts) lines.push(`  ${a.id}  ${day(a.capturedAt ?? a.importedAt)}  ${(a.subtype ?? a.kind).padEnd(10)} ${a.file ?? a.source}`);
  return lines.join('\n');
}

/** A CLI operand of gpw compare: a file, a run (name or id), or an artifact id. */
async function sideOf(engine: Engine, ref: string): Promise<CompareSideInput> {
  if (existsSync(ref)) return engine.fileSide([ref]);
  const run = engine.library.runs.find(ref);
  if (run) return engine.compareSide({ run: run.id });
  if (engine.library.get(ref)) return engine.compareSide({ ids: [ref] });
  throw new GpwError('not_found', `${ref.slice(0, 200)}: no such file, run or artifact`);
}

export async function compareCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const alphaText = flag(args, 'alpha');
  const alpha = alphaText === undefined ? 0.05 : Number(alphaText);
  if (!(alpha > 0 && alpha <= 0.5)) throw new GpwError('invalid_argument', `--alpha must be a number in (0, 0.5], not ${alphaText}`);
  if (args.flags.has('per-second') && args.flags.has('share')) throw new GpwError('invalid_argument', '--per-second and --share cannot be combined');
  const mode: CompareMode = args.flags.has('per-second') ? 'perSecond' : args.flags.has('share') ? 'share' : 'absolute';
  const limitText = flag(args, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new GpwError('invalid_argument', `--limit must be a positive whole number, not ${limitText}`);
  let base: CompareSideInput;
  let next: CompareSideInput;
  if (args.flags.has('previous')) {
    if (args.positional.length !== 1) throw new GpwError('invalid_argument', 'gpw compare RUN --previous takes one run');
    const run = await engine.getRun({ run: args.positional[0] });
    const prev = await engine.previousRun({ run: run.run.id });
    [base, next] = [engine.compareSide({ run: prev.id }), engine.compareSide({ run: run.run.id })];
  } else {
    if (args.positional.length !== 2) throw new GpwError('invalid_argument', `gpw compare needs two operands A B\n${RUNS_USAGE}`);
    [base, next] = [await sideOf(engine, args.positional[0]), await sideOf(engine, args.positional[1])];
  }
  const result = await engine.runs.compare(base, next, { alpha, mode, kind: flag(args, 'kind'), limit });
  return json ? JSON.stringify(result) : formatComparison(result);
}

const fmt = formatFigure;
const pct = (c: CompareCell) => formatChange(c.changePct);
const pv = (c: CompareCell) => (c.pAdjusted === null ? '' : `p=${formatP(c.pAdjusted)}${c.significant ? ' *' : ''}`);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

function metricsText(title: string, m: MetricsCompare): string {
  const head = `${title} (base ${m.baseN}, new ${m.newN})${m.note ? `\n  ${m.note}` : ''}`;
  const rows = [['', 'base', 'new', 'change', 'p (Holm)']];
  for (const r of m.metrics) rows.push([r.label, fmt(r.base, r.unit), fmt(r.new, r.unit), pct(r), pv(r)]);
  return `${head}\n${table(rows)}`;
}

export function formatComparison(c: RunComparison): string {
  const name = (s: RunComparison['base']) => (s.run ? `run "${s.run}"` : Object.entries(s.counts).map(([k, n]) => `${n} ${k}`).join(', '));
  const out = [`base: ${name(c.base)}   new: ${name(c.new)}   (significant: Holm-adjusted p < ${c.alpha} and a change of at least 10 %; * marks them)`];
  for (const n of c.notes) out.push(`note: ${n}`);
  for (const t of c.profiles) {
    out.push('', `${t.kind} profiles, ${t.sampleType} (${t.unit}), base ${t.baseN}, new ${t.newN}; medians${t.note ? `\n  ${t.note}` : ''}`);
    const rows = [['function', 'flat base', 'flat new', 'Δ flat', 'p', 'cum base', 'cum new', 'Δ cum', 'p']];
    for (const r of t.rows.slice(0, 30)) rows.push([r.name, fmt(r.flat.base, t.unit), fmt(r.flat.new, t.unit), pct(r.flat), pv(r.flat), fmt(r.cum.base, t.unit), fmt(r.cum.new, t.unit), pct(r.cum), pv(r.cum)]);
    out.push(table(rows));
    if (t.rows.length > 30) out.push(`(${t.rows.length - 30} more rows: --json lists them)`);
  }
  if (c.gc) out.push('', metricsText('GC logs', c.gc));
  if (c.trace) out.push('', metricsText('execution traces', c.trace));
  if (c.metrics) out.push('', metricsText('metrics snapshots', c.metrics));
  if (c.bench.length) out.push('', `benchmarks: ${c.bench.length} table(s); --json prints them`);
  return out.join('\n');
}

export async function trendCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  if (args.positional.length) throw new GpwError('invalid_argument', `unexpected argument ${args.positional[0]}`);
  if (args.flags.has('function') === args.flags.has('metric')) throw new GpwError('invalid_argument', `gpw trend needs --function RE (with --kind) or --metric NAME\n${RUNS_USAGE}`);
  const t: Trend = await engine.runTrend({
    kind: flag(args, 'kind'),
    function: flag(args, 'function'),
    sampleIndex: flag(args, 'sample-index'),
    metric: flag(args, 'metric'),
    labels: labelFlags(args),
    text: flag(args, 'text'),
  });
  if (json) return JSON.stringify(t);
  if (t.points.length === 0) return `no run has ${t.title}`;
  const rows = [['run', 'time', 'median', 'min', 'max', 'n']];
  for (const p of t.points) rows.push([p.run, day(p.time), fmt(p.value, t.unit), fmt(p.spread[0], t.unit), fmt(p.spread[1], t.unit), String(p.n)]);
  const cps = t.changePoints.map((c) => `change point at run "${c.run}" (after "${c.previousRun}"): ${fmt(c.before, t.unit)} → ${fmt(c.after, t.unit)} (E-divisive, p=${c.p.toFixed(3)})`);
  return [t.title, table(rows), ...cps].join('\n');
}
