// Self-replay: every gctrace log the tests have (the validation runs, the logs of Go 1.19–1.26 and
// the corpus cached for the tests, with the held-out cache and trees programs' baselines) and the execution trace of tests/go/gctracepair, replayed at the
// settings it ran with, must reproduce its own GC count and peak heap within 3 % and its GC CPU
// within 1 percentage point. No second run is needed: the recording is the reference. The worst
// case is printed (for docs/gc-validation.md) and written to tests/.tmp/gc-self-replay.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { ensureGcLogs, ensureValidationLogs, GO_TOOLCHAINS, VALIDATION_CONFIGS, VERSION_CONFIGS, VERSION_ARGS } from '../go/gcload-gen.mjs';
// @ts-expect-error: a plain .mjs helper without types
import { ensureGoProfiles } from '../go/go-gen.mjs';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace';
import { gcLogFromTrace } from '../../src-main/analysis/gc/from-trace';
import { buildGcModel, gcWhatIf } from '../../src-main/analysis/gc/gc-analysis';
import type { GcLog } from '../../src-main/formats/gctrace/gctrace-types';
import { parseByteSize } from '../../src-main/analysis/gc/byte-size';
import { repoPath } from '../helpers/paths';
import { readCorpus } from '../helpers/gc-corpus';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCorpus } from '../go/gcload-corpus.mjs';

interface Case {
  name: string;
  log: GcLog;
  /** The settings the run had, when the test knows them (else gpw infers them from the goals). */
  settings: { gogc: number; memLimitBytes: number | null } | null;
}
const cases: Case[] = [];

const settingsOf = (env: Record<string, string>): { gogc: number; memLimitBytes: number | null } => ({
  gogc: env.GOGC === 'off' ? -1 : Number(env.GOGC ?? '100'),
  memLimitBytes: env.GOMEMLIMIT ? (parseByteSize(env.GOMEMLIMIT) as { bytes: number }).bytes : null,
});

beforeAll(async () => {
  const v = await ensureValidationLogs();
  const sets: { dir: string; label: string; configs: { name: string; env: Record<string, string> }[] }[] = [];
  sets.push({ dir: v.dir, label: 'validation', configs: VALIDATION_CONFIGS });
  for (const t of [undefined, ...GO_TOOLCHAINS] as (string | undefined)[]) {
    const r = await ensureGcLogs({ set: `versions/${t ?? 'default'}`, toolchain: t, configs: VERSION_CONFIGS, args: VERSION_ARGS, godebug: 'gctrace=1,gcpacertrace=1,scavtrace=1' });
    sets.push({ dir: r.dir, label: `versions/${t ?? 'default'}`, configs: VERSION_CONFIGS });
  }
  // The small corpus the tests keep (npm test's global setup makes it; made here when missing).
  // And its two held-out programs of another kind (a map cache, pointer-dense trees): their baselines.
  await ensureCorpus('test');
  await ensureCorpus('test-fresh');
  for (const set of ['test', 'test-fresh']) {
    for (const g of readCorpus(repoPath(`tests/.tmp/gc-corpus/${set}`))) {
      sets.push({ dir: g.dir, label: `${set === 'test' ? 'corpus' : set}/${g.group}`, configs: [...g.runs].map(([name, meta]) => ({ name, env: meta.env as Record<string, string> })) });
    }
  }
  for (const s of sets) {
    for (const c of s.configs) {
      const file = join(s.dir, `${c.name}.log`);
      if (!existsSync(file)) continue;
      cases.push({ name: `${s.label}/${c.name}`, log: parseGctrace(readFileSync(file, 'utf8')), settings: settingsOf(c.env) });
    }
  }
  const pairDir = repoPath('tests/.tmp/gctracepair');
  await ensureGoProfiles({ name: 'gctracepair', outDir: pairDir, files: ['gctrace.log', 'trace.out', 'nogc.trace'] });
  const trace = parseGoTrace(new Uint8Array(readFileSync(join(pairDir, 'trace.out'))));
  cases.push({ name: 'gctracepair/trace.out', log: gcLogFromTrace(trace), settings: null });
}, 900_000);

test('every log replayed at its own settings reproduces its count, peak heap and GC CPU', () => {
  const rows = cases.map((c) => {
    const model = buildGcModel(c.log, c.settings ? { recorded: c.settings } : {});
    const rs = model.recordedSettings;
    const w = gcWhatIf(model, { gogc: rs.gogc, memLimitBytes: rs.memLimitBytes ?? undefined });
    const r = model.recorded;
    return {
      name: c.name,
      settings: rs,
      recorded: { gcCount: r.gcCount, peakHeapBytes: r.peakHeapBytes, gcCpuFraction: r.gcCpuFractionFromCycles, gcCpuPercentPrinted: r.gcCpuFraction },
      replayed: { gcCount: w.predicted.gcCount, peakHeapBytes: w.predicted.peakHeapBytes, gcCpuFraction: w.predicted.gcCpuFraction },
      error: {
        gcCount: w.predicted.gcCount / r.gcCount - 1,
        peakHeap: w.predicted.peakHeapBytes / r.peakHeapBytes - 1,
        gcCpuPp: (w.predicted.gcCpuFraction - r.gcCpuFractionFromCycles) * 100,
      },
    };
  });
  writeFileSync(repoPath('tests/.tmp/gc-self-replay.json'), JSON.stringify(rows, null, 1));
  const worst = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => (Math.abs(pick(r)) > Math.abs(pick(a)) ? r : a));
  const wc = worst((r) => r.error.gcCount);
  const wp = worst((r) => r.error.peakHeap);
  const wu = worst((r) => r.error.gcCpuPp);
  console.log(
    `self-replay of ${rows.length} recordings: worst GC count ${(wc.error.gcCount * 100).toFixed(2)} % (${wc.name}), ` +
      `peak heap ${(wp.error.peakHeap * 100).toFixed(2)} % (${wp.name}), GC CPU ${wu.error.gcCpuPp.toFixed(2)} pp (${wu.name})`,
  );
  expect(rows.length).toBeGreaterThanOrEqual(9 + 2 * (GO_TOOLCHAINS.length + 1) + 8 + 1);
  for (const r of rows) {
    expect(Math.abs(r.error.gcCount), `${r.name} GC count`).toBeLessThanOrEqual(0.03);
    expect(Math.abs(r.error.peakHeap), `${r.name} peak heap`).toBeLessThanOrEqual(0.03);
    expect(Math.abs(r.error.gcCpuPp), `${r.name} GC CPU`).toBeLessThanOrEqual(1);
  }
});

test('with the settings inferred from the goals (what a user who does not know them gets), self-replay holds too', () => {
  for (const c of cases) {
    const model = buildGcModel(c.log);
    const rs = model.recordedSettings;
    const w = gcWhatIf(model, { gogc: rs.gogc, memLimitBytes: rs.memLimitBytes ?? undefined });
    expect(Math.abs(w.predicted.gcCount / model.recorded.gcCount - 1), `${c.name} GC count`).toBeLessThanOrEqual(0.03);
    expect(Math.abs(w.predicted.peakHeapBytes / model.recorded.peakHeapBytes - 1), `${c.name} peak`).toBeLessThanOrEqual(0.03);
  }
});

test('a run without a memory limit reads back its own GOGC from its goals', () => {
  const known = cases.filter((c) => c.settings && c.settings.memLimitBytes === null && c.settings.gogc > 0);
  expect(known.length).toBeGreaterThanOrEqual(5 + GO_TOOLCHAINS.length + 1);
  const wrong = known
    .map((c) => ({ name: c.name, set: c.settings!.gogc, read: buildGcModel(c.log).recordedSettings }))
    .filter((r) => r.read.source !== 'inferred' || r.read.gogc !== r.set)
    .map((r) => `${r.name}: GOGC=${r.set}, read ${r.read.gogc} (${r.read.source})`);
  expect(wrong).toEqual([]);
});
