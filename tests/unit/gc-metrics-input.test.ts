// runtime/metrics snapshots as a GC what-if input (analysis/gc/from-metrics.ts): a real run of
// tests/go/gcload-shapes (steady shape, GOGC=100, GOMAXPROCS 2) that wrote snapshots while it ran
// (snapshots.go; the corpus set 'snapshots-test', cached with a stamp), its gctrace log and the
// execution trace of its traced twin, replayed with and without the snapshots: in-process and
// through the CLI with a library run. Bad dumps give a message naming the file and the line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { metricsBasis, PROMETHEUS_RUNTIME_SERIES, prometheusNameOf, runtimeSnapshotFromPrometheus, withMetricsRoots } from '../../src-main/analysis/gc/from-metrics';
import { gcLogFromTrace } from '../../src-main/analysis/gc/from-trace';
import { buildGcModel, gcWhatIf } from '../../src-main/analysis/gc/gc-analysis';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace';
import { parseRuntimeMetricsDump } from '../../src-main/formats/runtime-metrics-dump';
import { detectFormat } from '../../src-main/formats/detect-format';
import { summarizeRuntimeMetricsDump } from '../../src-main/import/readers/runtime-metrics';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCorpus } from "../go/gcload-corpus.mjs";
import { gpw } from '../helpers/run';

let dir = '';
let tmp = '';
const file = (name: string): string => join(dir, 'default-p2', name);
const dumpOf = (run: string) => parseRuntimeMetricsDump(readFileSync(file(`${run}.metrics.jsonl`)), run);

beforeAll(async () => {
  dir = (await ensureCorpus('snapshots-test')).dir;
  tmp = mkdtempSync(join(tmpdir(), 'gpw-gcmetrics-'));
}, 600_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('runtime/metrics snapshots of a real run', () => {
  test('the dump is recognised by content and read line by line', () => {
    const bytes = readFileSync(file('steady-base.metrics.jsonl'));
    expect(detectFormat(bytes.subarray(0, 4096)).format).toBe('runtime-metrics');
    const { snapshots } = dumpOf('steady-base');
    // snapshots.go writes one line at start, then one every 20 ms until the program exits.
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
    expect(snapshots[0].values['/gc/gogc:percent']).toBe(100);
    const basis = metricsBasis(snapshots, ['runtime/metrics dump'])!;
    expect(basis.gogc).toBe(100);
    expect(basis.memLimitBytes).toBeNull(); // math.MaxInt64: no limit
    expect(basis.nonHeapBytes).toBeGreaterThan(0);
    // gcload-shapes turns GOGC off after its work (so that no cycle starts while it exits): the last
    // snapshots may show it, and the what-if says so but keeps the value most snapshots show.
    for (const w of basis.warnings) expect(w).toMatch(/^GOGC changed during the run \(100, off\): the what-if takes 100/);
  });

  test('a gctrace log replayed with and without its snapshots', () => {
    const log = parseGctrace(readFileSync(file('steady-base.log')));
    const without = buildGcModel(log);
    const withM = buildGcModel(log, { metrics: metricsBasis(dumpOf('steady-base').snapshots, ['runtime/metrics dump']) });
    expect(without.metrics).toBeNull();
    expect(without.recordedSettings.source).toBe('inferred');
    expect(withM.recordedSettings).toEqual({ gogc: 100, memLimitBytes: null, source: 'metrics' });
    // Non-heap memory is the snapshots' (mapped − released − free − heap objects), not the estimate.
    expect(withM.defaultNonHeapBytes).toBe(withM.metrics!.nonHeapBytes);
    const self = gcWhatIf(withM, { gogc: 100 });
    expect(self.basis.selfReplay).toBe(true);
    expect(self.predicted.gcCount).toBe(self.recorded.gcCount);
    expect(self.basis.restsOn).toMatch(/^gctrace( \+ gcpacertrace)? log \+ \d+ runtime\/metrics snapshots? \(runtime\/metrics dump\): the settings \(GOGC=100\), non-heap memory/);
    expect(gcWhatIf(without, { gogc: 100 }).basis.restsOn).toMatch(/^gctrace( \+ gcpacertrace)? log$/);
    // The snapshots' cycle counts overlap the log's cycles: no warning but the GOGC one at the end.
    for (const w of withM.metrics!.warnings) expect(w).toMatch(/^GOGC changed during the run \(100, off\)/);
    // Snapshots of another process (their cycle counts far past the log's) are named as suspect.
    const other = dumpOf('steady-base').snapshots.map((x) => ({ ...x, values: { ...x.values, '/gc/cycles/total:gc-cycles': (x.values['/gc/cycles/total:gc-cycles'] ?? 0) + 1000 } }));
    const odd = buildGcModel(log, { metrics: metricsBasis(other, ['runtime/metrics dump']) });
    expect(odd.metrics!.warnings.join('\n')).toMatch(/the snapshots saw GC cycles 100\d–\d+, the recording has cycles 1–\d+: are they of the same process\?/);
    const w = gcWhatIf(withM, { gogc: 50 });
    expect(w.basis.metrics?.gcCpu?.totalSec ?? 0).toBeGreaterThanOrEqual(0);
  });

  test('an execution trace takes stacks and globals from the snapshots', () => {
    const log = gcLogFromTrace(parseGoTrace(new Uint8Array(readFileSync(file('steady-base-traced.trace')))));
    expect(log.cycles.every((c) => c.stacksBytes === null && c.globalsBytes === null)).toBe(true);
    const basis = metricsBasis(dumpOf('steady-base-traced').snapshots, ['runtime/metrics dump'])!;
    const filled = withMetricsRoots(log, basis);
    // gcload-shapes scans its 4 MB pointer table `bigGlobals` in every shape: globals ≥ 4 MiB.
    expect(filled.cycles.every((c) => c.globalsBytes !== null && c.globalsBytes >= 4 * 2 ** 20)).toBe(true);
    expect(basis.used).toEqual([`stacks and globals of ${log.cycles.length} cycle${log.cycles.length === 1 ? '' : 's'}`]);
    const withM = buildGcModel(log, { input: 'trace', metrics: basis });
    expect(withM.cycles.every((c) => c.globalsBytes !== null)).toBe(true);
    for (const w of withM.metrics!.warnings) expect(w).toMatch(/^GOGC changed during the run \(100, off\)/);
    const self = gcWhatIf(withM, { gogc: 100 });
    expect(self.basis.selfReplay).toBe(true);
    expect(self.predicted.gcCount).toBe(self.recorded.gcCount);
    expect(self.basis.restsOn).toMatch(/^execution trace \+ \d+ runtime\/metrics snapshots? \(runtime\/metrics dump\): stacks and globals of \d+ cycles?, the settings \(GOGC=100\)/);
    // Without snapshots the trace has no roots but those its goals imply.
    const without = buildGcModel(log, { input: 'trace' });
    expect(without.metrics).toBeNull();
    expect(without.recordedSettings.source).toBe('inferred');
  });

  test('Prometheus names follow client_golang (go_gc_gogc_percent, …_cpu_seconds_total)', () => {
    expect(prometheusNameOf('/gc/gogc:percent', false)).toBe('go_gc_gogc_percent');
    expect(prometheusNameOf('/gc/scan/stack:bytes', false)).toBe('go_gc_scan_stack_bytes');
    expect(prometheusNameOf('/cpu/classes/gc/mark/assist:cpu-seconds', true)).toBe('go_cpu_classes_gc_mark_assist_cpu_seconds_total');
    expect(PROMETHEUS_RUNTIME_SERIES.get('go_gc_cycles_total_gc_cycles_total')).toBe('/gc/cycles/total:gc-cycles');
    const s = runtimeSnapshotFromPrometheus('p', 0, { go_gc_gogc_percent: 50, go_gc_gomemlimit_bytes: 9.223372036854776e18, go_goroutines: 3 });
    expect(s.values).toEqual({ '/gc/gogc:percent': 50, '/gc/gomemlimit:bytes': 9.223372036854776e18 });
    expect(metricsBasis([s], ['Prometheus scrapes'])).toMatchObject({ gogc: 50, memLimitBytes: null });
  });
});

describe('a long runtime/metrics dump', () => {
  test('200,000 snapshots (two days and more at one a second) are read and used, not a stack overflow', () => {
    const N = 200_000;
    const lines: string[] = [];
    for (let i = 0; i < N; i++) lines.push(`{"time":${1_700_000_000_000 + i * 1000},"metrics":{"/gc/gogc:percent":100,"/gc/cycles/total:gc-cycles":${i},"/gc/scan/stack:bytes":8192,"/gc/scan/globals:bytes":4096}}`);
    const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
    const summary = summarizeRuntimeMetricsDump(bytes);
    expect(summary).toMatchObject({ snapshots: N, names: 4, firstMs: 1_700_000_000_000, lastMs: 1_700_000_000_000 + (N - 1) * 1000 });
    expect(summary.headline).toBe(`runtime/metrics: ${N} snapshots of 4 metrics over ${(N - 1).toFixed(1)} s, GOGC=100`);
    // Their cycle counts (0 … N − 1) far past the log's: the what-if names them as suspect.
    const log = parseGctrace(readFileSync(file('steady-base.log')));
    const other = metricsBasis(parseRuntimeMetricsDump(bytes, 'long').snapshots.map((x) => ({ ...x, values: { ...x.values, '/gc/cycles/total:gc-cycles': x.values['/gc/cycles/total:gc-cycles'] + 1_000_000 } })), ['runtime/metrics dump'])!;
    expect(buildGcModel(log, { metrics: other }).metrics!.warnings.join('\n')).toMatch(new RegExp(`the snapshots saw GC cycles 1000000–${1_000_000 + N - 1}, the recording has cycles 1–\\d+: are they of the same process\\?`));
  });
});

describe('bad runtime/metrics dumps', () => {
  test.each([
    ['a line that is not JSON', '{"time":1,"metrics":{"/gc/gogc:percent":100}}\n{"time":2,"metrics":{"/gc/gogc:perc', /line 2 is not a JSON object/],
    ['a time that is no time', '{"time":"yesterday","metrics":{"/gc/gogc:percent":100}}\n', /line 1: "time" must be RFC 3339 text or milliseconds/],
    ['a name that is no runtime/metrics name', '{"time":1,"metrics":{"/gc/gogc:percent":100,"gogc":100}}\n', /line 1: "gogc" is not a runtime\/metrics name/],
  ])('%s', (_what, text, says) => {
    expect(() => parseRuntimeMetricsDump(new TextEncoder().encode(text), 'x')).toThrow(says);
  });

  test('the CLI names the file and the line, and replays with --metrics', async () => {
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, '{"time":1,"metrics":{"/gc/gogc:percent":100}}\n{"time":2,"metrics":{"/gc/gogc:perc\n');
    const r = await gpw(join(tmp, 'lib1.db'), 'gc', file('steady-base.log'), '--what-if', '--gogc', '50', '--metrics', bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.jsonl: line 2 is not a JSON object/);
    const ok = await gpw(join(tmp, 'lib1.db'), 'gc', file('steady-base.log'), '--what-if', '--gogc', '50', '--metrics', file('steady-base.metrics.jsonl'));
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^rests on: gctrace( \+ gcpacertrace)? log \+ \d+ runtime\/metrics snapshots? \(runtime\/metrics dump\): the settings \(GOGC=100\)/m);
    expect(ok.stdout).toMatch(/recorded at GOGC=100 \(from its runtime\/metrics\)/);
  }, 60_000);

  test('a library run: the trace uses the snapshots imported with it; a corrupt one in the run is named', async () => {
    const lib = join(tmp, 'lib2.db');
    const imp = await gpw(lib, 'import', file('steady-base-traced.trace'), file('steady-base-traced.metrics.jsonl'), '--run', 'snap', '--json');
    expect(imp.code).toBe(0);
    const list = (JSON.parse((await gpw(lib, "list", "--json")).stdout) as { artifacts: { id: string; kind: string; subtype: string | null }[] }).artifacts;
    const traceId = list.find((a) => a.kind === 'trace')!.id;
    expect(list.find((a) => a.kind === 'metrics')?.subtype).toBe('runtime-metrics');
    const w = JSON.parse((await gpw(lib, 'gc', traceId, '--what-if', '--gogc', '200', '--json')).stdout) as { basis: { restsOn: string; recordedSettings: { source: string } } };
    expect(w.basis.restsOn).toMatch(/^execution trace \+ \d+ runtime\/metrics snapshots?/);
    expect(w.basis.recordedSettings.source).toBe('metrics');
    // The dump's lines are a metrics series too (under client_golang's names, counters as rates).
    const series = JSON.parse((await gpw(lib, 'metrics', '--run', 'snap', '--json')).stdout) as { series: { name: string; runtimeMetric: string | null; points: unknown[] }[] };
    const gogc = series.series.find((x) => x.name === 'go_gc_gogc_percent');
    expect(gogc?.runtimeMetric).toBe('/gc/gogc:percent');
    expect(gogc?.points.length).toBe(dumpOf('steady-base-traced').snapshots.length);
    // Without a run, the same trace rests on itself.
    const lib3 = join(tmp, 'lib3.db');
    await gpw(lib3, 'import', file('steady-base-traced.trace'), '--json');
    const id3 = (JSON.parse((await gpw(lib3, "list", "--json")).stdout) as { artifacts: { id: string }[] }).artifacts[0].id;
    const w3 = JSON.parse((await gpw(lib3, 'gc', id3, '--what-if', '--gogc', '200', '--json')).stdout) as { basis: { restsOn: string } };
    expect(w3.basis.restsOn).toBe('execution trace');
    // Prometheus scrapes (client_golang's names, written here from the dump's lines) in a run serve as well.
    const lib4 = join(tmp, 'lib4.db');
    const scrapes = dumpOf('steady-base-traced').snapshots.slice(0, 5).map((snap, i) => {
      const path = join(tmp, `scrape-${i}.prom`);
      const lines = Object.entries(snap.values).map(([name, v]) => {
        const prom = prometheusNameOf(name, name.startsWith('/cpu/') || name === '/gc/cycles/total:gc-cycles');
        return `# TYPE ${prom} ${prom.endsWith('_total') ? 'counter' : 'gauge'}\n${prom} ${v}`;
      });
      writeFileSync(path, `# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines 4\n${lines.join('\n')}\n`);
      return path;
    });
    expect((await gpw(lib4, 'import', file('steady-base-traced.trace'), ...scrapes, '--run', 'prom')).code).toBe(0);
    const id4 = (JSON.parse((await gpw(lib4, 'list', '--json')).stdout) as { artifacts: { id: string; kind: string }[] }).artifacts.find((a) => a.kind === 'trace')!.id;
    const w4 = JSON.parse((await gpw(lib4, 'gc', id4, '--what-if', '--gogc', '200', '--json')).stdout) as { basis: { restsOn: string } };
    expect(w4.basis.restsOn).toMatch(/^execution trace \+ 5 runtime\/metrics snapshots \(Prometheus scrapes\): .*the settings \(GOGC=100\)/);
    // A damaged dump is refused at import, naming the file and the line; the library is unchanged.
    const bad = join(tmp, 'cut.metrics.jsonl');
    writeFileSync(bad, readFileSync(file('steady-base-traced.metrics.jsonl'), 'utf8').split('\n').slice(0, 3).join('\n') + '\n{"time":5,"metrics":{"/gc/go');
    const r = await gpw(lib, 'import', bad, '--run', 'snap');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cut\.metrics\.jsonl.*line 4 is not a JSON object/);
  }, 120_000);
});
