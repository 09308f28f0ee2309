// Writes docs/gc-whatif-inputs.md's measured part: the corpus set 'snapshots' (tests/go/gcload-corpus.mjs:
// the development shapes' GOGC=100 baselines, both twins writing runtime/metrics snapshots, and
// target runs) predicted from the gctrace log and from the execution trace, each with and without
// the baseline's snapshots (settings read from the goals without them, as a user who does not say
// them gets). Run through scripts/gc-metrics-input.mjs, not by npm test.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { metricsBasis } from '../../src-main/analysis/gc/from-metrics';
import { gcLogFromTrace } from '../../src-main/analysis/gc/from-trace';
import { buildGcModel, gcWhatIf, type GcModel } from '../../src-main/analysis/gc/gc-analysis';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace';
import { parseRuntimeMetricsDump } from '../../src-main/formats/runtime-metrics-dump';
import { errorsOf, readCorpus, recordedFigures, settingsOfEnv, type Figures } from '../helpers/gc-corpus';
import { repoPath } from '../helpers/paths';

const INPUTS = ['gctrace', 'gctrace + snapshots', 'trace', 'trace + snapshots'] as const;
type Input = (typeof INPUTS)[number];
interface Row { shape: string; target: string; setting: string; noisy: boolean; actual: Figures; errors: Record<Input, { gcCount: number; peakHeap: number; gcCpuPp: number }> }

const figures = (m: GcModel, req: { gogc: number; memLimitBytes?: number }): Figures => {
  const w = gcWhatIf(m, req);
  return { gcCount: w.predicted.gcCount, peakHeapBytes: w.predicted.peakHeapBytes, gcCpuFraction: w.predicted.gcCpuFraction };
};
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
const pp = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)} pp`;
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

test('docs/gc-whatif-inputs.md: predictions with and without runtime/metrics snapshots', () => {
  const dir = repoPath('tests/.tmp/gc-corpus/snapshots');
  expect(existsSync(dir), 'run node tests/go/gcload-corpus.mjs snapshots first').toBe(true);
  const rows: Row[] = [];
  const notes: string[] = [];
  const cpuRows: string[] = [];
  let groupLine = '';
  for (const g of readCorpus(dir)) {
    for (const [name, meta] of g.runs) {
      if (meta.target !== 'base') continue;
      groupLine = `${meta.goVersion}, GOMAXPROCS ${meta.procs}`;
      const basisOf = (run: string) => metricsBasis(parseRuntimeMetricsDump(readFileSync(join(g.dir, `${run}.metrics.jsonl`)), run).snapshots, ['runtime/metrics dump']);
      const log = parseGctrace(readFileSync(join(g.dir, `${name}.log`), 'utf8'));
      const tlog = gcLogFromTrace(parseGoTrace(new Uint8Array(readFileSync(join(g.dir, `${meta.shape}-base-traced.trace`)))));
      const models: Record<Input, GcModel> = {
        gctrace: buildGcModel(log),
        'gctrace + snapshots': buildGcModel(log, { metrics: basisOf(name) }),
        trace: buildGcModel(tlog, { input: 'trace' }),
        'trace + snapshots': buildGcModel(tlog, { input: 'trace', metrics: basisOf(`${meta.shape}-base-traced`) }),
      };
      for (const i of ['gctrace + snapshots', 'trace + snapshots'] as const) {
        const m = models[i];
        const c = m.metrics?.gcCpu;
        if (!c || c.share === null) continue;
        const cycles = m.recorded.gcCpuFractionFromCycles;
        cpuRows.push(`| ${meta.shape} | ${i === 'trace + snapshots' ? 'traced twin: execution trace' : 'baseline: gctrace'} | ${(cycles * 100).toFixed(1)} % | ${(c.share * 100).toFixed(1)} % | ${c.assistSec.toFixed(2)} / ${c.dedicatedSec.toFixed(2)} / ${c.idleSec.toFixed(2)} / ${c.pauseSec.toFixed(2)} s |`);
      }
      for (const i of INPUTS) {
        const m = models[i];
        const rs = m.recordedSettings;
        notes.push(`| ${meta.shape} | ${i} | GOGC=${rs.gogc < 0 ? 'off' : rs.gogc}${rs.memLimitBytes !== null ? ` ${(rs.memLimitBytes / 2 ** 20).toFixed(0)} MiB` : ''} (${rs.source}) | ${(m.defaultNonHeapBytes / 2 ** 20).toFixed(1)} | ${m.cycles.some((c) => c.stacksBytes !== null) ? `${(Math.max(...m.cycles.map((c) => (c.stacksBytes ?? 0) + (c.globalsBytes ?? 0))) / 2 ** 20).toFixed(1)}` : '–'} | ${m.metrics ? m.metrics.used.join('; ') : ''} |`);
      }
      for (const [tname, tmeta] of g.runs) {
        if (tmeta.shape !== meta.shape || tmeta.target.startsWith('base')) continue;
        const actualModel = buildGcModel(parseGctrace(readFileSync(join(g.dir, `${tname}.log`), 'utf8')));
        const actual = recordedFigures(actualModel);
        const s = settingsOfEnv(tmeta.env);
        const req = { gogc: s.gogc, memLimitBytes: s.memLimitBytes ?? undefined };
        const errors = Object.fromEntries(INPUTS.map((i) => [i, errorsOf(figures(models[i], req), actual)])) as Row['errors'];
        rows.push({ shape: meta.shape, target: tmeta.target, setting: `GOGC=${s.gogc < 0 ? 'off' : s.gogc}${s.memLimitBytes !== null ? ` ${(s.memLimitBytes / 2 ** 20).toFixed(0)} MiB` : ''}`, noisy: tmeta.noisy || meta.noisy, actual, errors });
      }
    }
  }
  expect(rows.length).toBeGreaterThan(0);
  const load = process.env.GC_METRICS_LOAD ?? '';
  const lines = [
    `Measured on the corpus set \`snapshots\` (${groupLine}; ${rows.length} target runs of the shapes ${[...new Set(rows.map((r) => r.shape))].join(', ')}${load ? `; recorded at load ${load}` : ''}):`,
    'each target predicted from its shape\'s GOGC=100 baseline, from four inputs. Without snapshots the recorded settings are read',
    'from the goals (what a user who does not state them gets) and non-heap memory is estimated; with them both come from the snapshots,',
    'and a trace\'s stacks and globals too. Errors are predicted ÷ actual − 1 (GC count, peak heap) and predicted − actual (GC CPU, pp;',
    'runs marked noisy got under 90 % of their CPU).',
    '',
    '| input | median \\|error\\| GC count | peak heap | GC CPU | limit targets: GC count | peak heap | GC CPU |',
    '|---|---|---|---|---|---|---|',
  ];
  const limitRows = rows.filter((r) => r.setting.includes('MiB'));
  for (const i of INPUTS) {
    const m = (rs: Row[], k: 'gcCount' | 'peakHeap' | 'gcCpuPp') => med(rs.map((r) => Math.abs(r.errors[i][k])));
    lines.push(`| ${i} | ${(m(rows, 'gcCount') * 100).toFixed(1)} % | ${(m(rows, 'peakHeap') * 100).toFixed(1)} % | ${m(rows, 'gcCpuPp').toFixed(1)} pp | ${(m(limitRows, 'gcCount') * 100).toFixed(1)} % | ${(m(limitRows, 'peakHeap') * 100).toFixed(1)} % | ${m(limitRows, 'gcCpuPp').toFixed(1)} pp |`);
  }
  lines.push('', 'Every prediction (count / peak / GC CPU error per input):', '', `| shape | setting | ${INPUTS.join(' | ')} |`, `|---|---|${INPUTS.map(() => '---').join('|')}|`);
  for (const r of rows) lines.push(`| ${r.shape} | ${r.setting}${r.noisy ? ' (noisy)' : ''} | ${INPUTS.map((i) => `${pct(r.errors[i].gcCount)} / ${pct(r.errors[i].peakHeap)} / ${pp(r.errors[i].gcCpuPp)}`).join(' | ')} |`);
  lines.push('', 'What each baseline model rested on (recorded settings and where they came from, non-heap memory MiB, largest stacks + globals MiB, what the snapshots gave):', '', '| shape | input | recorded settings | non-heap | roots | from the snapshots |', '|---|---|---|---|---|---|', ...notes);
  lines.push('', 'GC CPU as the input reads it (the cycles\' GC CPU ÷ GOMAXPROCS × their span) against the runtime\'s own account over the snapshots (/cpu/classes/gc/total ÷ /cpu/classes/total, first to last snapshot):', '', '| shape | run and input | input | runtime/metrics | assist / dedicated / idle / pause |', '|---|---|---|---|---|', ...cpuRows);
  const page = repoPath('docs/gc-whatif-inputs.md');
  const text = readFileSync(page, 'utf8');
  const begin = '<!-- measured: begin -->';
  const end = '<!-- measured: end -->';
  expect(text.includes(begin) && text.includes(end)).toBe(true);
  writeFileSync(page, `${text.slice(0, text.indexOf(begin) + begin.length)}\n${lines.join('\n')}\n${text.slice(text.indexOf(end))}`);
});
