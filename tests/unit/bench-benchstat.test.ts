// gpw's benchmark tables against benchstat (golang.org/x/perf/cmd/benchstat, built from the
// module proxy's current release in the test's setup), on real `go test -bench` outputs of
// tests/go/benchpair (two versions: one benchmark about 2× slower, one noisy, a noiseless custom
// unit, -benchmem, sub-benchmarks, b.SetBytes, a benchmark only in the new version; -count 10,
// 6 vs 8, 3, and two packages in one file), and on generated samples that reach benchstat's
// other branches (21–40 samples, ties, assume=exact, a configuration changing mid-file).
// Every figure benchstat prints must be gpw's: centre (exactly, from -format csv), CI, delta or
// ~, p and n, geomean, the notes and where they are attached; and the text, token by token.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { BENCH_PAIRS, benchpairRoot, ensureBenchPairs, ensureBenchstat } from '../go/benchpair-gen.mjs';
import { parseGoBench } from '../../src-main/formats/gobench/parse-gobench';
import { compareBench, type BenchTable } from '../../src-main/analysis/bench/compare-bench';
import { formatBenchTables } from '../../src-main/analysis/bench/bench-text';
import { seededRandom as rng } from '../helpers/seeded-random.mjs';

let benchstat = '';
beforeAll(async () => {
  await ensureBenchPairs();
  benchstat = await ensureBenchstat();
}, 900_000);

function runBenchstat(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(benchstat, args, { cwd, maxBuffer: 16 << 20, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(err) : resolve({ stdout, stderr })));
  });
}

/** benchstat's CSV as records (one per line; its fields never hold line breaks here). */
function csvRecords(text: string): string[][] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => {
    const out: string[] = [];
    let i = 0;
    for (;;) {
      let field = '';
      if (line[i] === '"') {
        i++;
        for (; i < line.length; i++) {
          if (line[i] === '"' && line[i + 1] === '"') (field += '"'), i++;
          else if (line[i] === '"') break;
          else field += line[i];
        }
        i++;
      } else {
        const end = line.indexOf(',', i);
        field = line.slice(i, end < 0 ? line.length : end);
        i = end < 0 ? line.length : end;
      }
      out.push(field);
      if (line[i] !== ',') break;
      i++;
    }
    return out;
  });
}

interface CsvTable {
  config: Record<string, string>;
  unit: string;
  columns: number;
  rows: { record: number; cells: string[] }[];
}

/** Splits benchstat's CSV into tables, with the configuration in force for each. */
function csvTables(records: string[][]): CsvTable[] {
  const tables: CsvTable[] = [];
  const config: Record<string, string> = {};
  let cur: CsvTable | null = null;
  records.forEach((r, idx) => {
    const record = idx + 1;
    if (r.length === 1) {
      cur = null;
      const m = /^([^:]+): (.*)$/.exec(r[0]);
      if (m) config[m[1]] = m[2];
      return;
    }
    if (cur === null) {
      if (r[0] === '' && r[2] === 'CI') {
        cur = { config: { ...config }, unit: r[1], columns: r[5] === 'vs base' ? 2 : 1, rows: [] };
        tables.push(cur);
      }
      return; // the column labels' record
    }
    (cur as CsvTable).rows.push({ record, cells: r });
  });
  return tables;
}

/** stderr's "F20: message" lines, per record and column letter. */
function csvWarnings(stderr: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of stderr.split('\n')) {
    const m = /^([A-Z]+)(\d+): (.*)$/.exec(line);
    if (!m) continue;
    const key = `${m[2]}:${m[1]}`;
    out.set(key, [...(out.get(key) ?? []), m[3]]);
  }
  return out;
}

const tokens = (s: string) => s.trim().split(/\s+/).filter(Boolean);

async function checkParity(cwd: string, baseFile: string, newFile: string, alpha = 0.05): Promise<BenchTable[]> {
  const ours = compareBench([parseGoBench(readFileSync(join(cwd, baseFile)))], [parseGoBench(readFileSync(join(cwd, newFile)))], { alpha });
  const flags = alpha === 0.05 ? [] : ['-alpha', String(alpha)];
  const csv = await runBenchstat([...flags, '-format', 'csv', baseFile, newFile], cwd);
  const theirs = csvTables(csvRecords(csv.stdout));
  const warnings = csvWarnings(csv.stderr);
  expect(ours.map((t) => t.unit)).toEqual(theirs.map((t) => t.unit));
  ours.forEach((t, ti) => {
    const ref = theirs[ti];
    const where = `table ${ti} (${t.unit}, ${JSON.stringify(t.config)})`;
    for (const [k, v] of Object.entries(ref.config)) expect(t.config[k] ?? '', `${where}: ${k}`).toBe(v);
    expect(t.columns.length, where).toBe(ref.columns);
    const dataRows = ref.rows.slice(0, -1);
    const geoRow = ref.rows.at(-1)!;
    expect(geoRow.cells[0]).toBe('geomean');
    expect(t.rows.map((r) => r.name), where).toEqual(dataRows.map((r) => r.cells[0]));
    const sideAt = (i: number) => t.columns[i];
    const letters = ['B', 'D'];
    t.rows.forEach((row, ri) => {
      const { record, cells } = dataRows[ri];
      const at = `${where} row ${row.name}`;
      t.columns.forEach((side, ci) => {
        const cell = row[side];
        const center = cells[1 + 2 * ci] ?? '';
        if (center === '') {
          expect(cell, `${at} ${side}`).toBeNull();
          return;
        }
        expect(cell, `${at} ${side}`).not.toBeNull();
        expect(cell!.center, `${at} ${side} centre`).toBe(Number(center));
        expect(cell!.ci, `${at} ${side} CI`).toBe(cells[2 + 2 * ci]);
        expect(cell!.notes, `${at} ${side} notes`).toEqual(warnings.get(`${record}:${letters[ci]}`) ?? []);
      });
      if (t.columns.length === 2 && cells[5] !== undefined && cells[5] !== '') {
        expect(row.delta, `${at} delta`).toBe(cells[5]);
        expect(row.test, `${at} p and n`).toBe(cells[6]);
        expect(row.deltaPct === null, `${at} deltaPct null iff ~ or ?`).toBe(cells[5] === '~' || cells[5] === '?');
        expect(row.notes, `${at} comparison notes`).toEqual(warnings.get(`${record}:F`) ?? []);
      } else {
        expect(row.delta, `${at} no comparison`).toBeNull();
      }
    });
    // benchstat's text has no geomean row for a table of one benchmark; its CSV always has one.
    if (t.rows.length === 1) {
      expect(t.geomean).toBeNull();
      return;
    }
    const g = t.geomean!;
    t.columns.forEach((side, ci) => {
      const v = geoRow.cells[1 + 2 * ci] ?? '';
      if (v === '') expect(g[side], `${where} geomean ${side}`).toBeNull();
      else expect(Math.abs(g[side]! / Number(v) - 1), `${where} geomean ${side}`).toBeLessThan(1e-12);
      expect(g.sideNotes[sideAt(ci)], `${where} geomean notes`).toEqual(warnings.get(`${geoRow.record}:${letters[ci]}`) ?? []);
    });
    if (t.columns.length === 2) expect(g.delta, `${where} geomean delta`).toBe(geoRow.cells[5]);
  });

  // The text: every line benchstat prints, token by token (gpw pads its columns its own way).
  const text = await runBenchstat([...flags, baseFile, newFile], cwd);
  const mine = formatBenchTables(ours, { base: baseFile, new: newFile }).trimEnd().split('\n');
  const ref = text.stdout.trimEnd().split('\n');
  expect(mine.map(tokens)).toEqual(ref.map(tokens));
  return ours;
}

describe('benchstat parity on go test -bench outputs of tests/go/benchpair', () => {
  for (const pair of BENCH_PAIRS as { name: string; base: number; new: number }[]) {
    test(`${pair.name} (-count ${pair.base} vs ${pair.new})`, async () => {
      const tables = await checkParity(benchpairRoot, `${pair.name}/base.txt`, `${pair.name}/new.txt`);
      const secs = tables.filter((t) => t.unit === 'sec/op');
      expect(secs.length).toBeGreaterThan(0);
      const main = secs.find((t) => t.config.pkg === 'gpw.test/benchpair')!;
      // The benchmark only in the new version is a row without a base.
      const only = main.rows.find((r) => r.name.startsWith('OnlyNew'))!;
      expect(only.base).toBeNull();
      expect(only.new!.n).toBe(pair.new);
      // The custom unit whose samples are all equal, B/s from b.SetBytes, and a sub-benchmark.
      const widgets = tables.find((t) => t.unit === 'widgets/op')!;
      expect(widgets.rows[0].new!.center).toBe(42);
      expect(tables.some((t) => t.unit === 'B/s' && t.unitClass === 'binary')).toBe(true);
      expect(main.rows.some((r) => r.name.startsWith('Copy/size=4096'))).toBe(true);
      if (pair.base < 4 && pair.new < 4) expect(widgets.notes).toContain('all samples are equal');
      if (pair.base < 6) expect(main.notes).toContain('need >= 6 samples for confidence interval at level 0.95');
      if (pair.name === 'twopkgs7') expect(new Set(tables.map((t) => t.config.pkg))).toEqual(new Set(['gpw.test/benchpair', 'gpw.test/benchpair/sub']));
    }, 60_000);
  }
});

test('another α: -alpha 0.01 (the "need >= N samples" note follows α)', async () => {
  await ensureBenchPairs();
  const tables = await checkParity(benchpairRoot, 'count3/base.txt', 'count3/new.txt', 0.01);
  expect(tables.flatMap((t) => t.notes)).toContain('need >= 5 samples to detect a difference at alpha level 0.01');
}, 60_000);

describe('benchstat parity on generated samples (large n, ties, assume=exact, configurations)', () => {
  const dir = join(benchpairRoot, '..', 'benchsynth');
  const make = (name: string, seed: number, shift: number, counts: number[]) => {
    const r = rng(seed);
    const lines = ['goos: linux', 'goarch: amd64', 'pkg: example.com/a', 'Unit bytes assume=exact'];
    counts.forEach((n, bi) => {
      for (let i = 0; i < n; i++) {
        const ns = (1000 + bi * 400) * (1 + shift * (bi % 2)) + Math.round(r() * 60); // rounded: ties
        const bytes = 4096 + (bi === 2 && i === 0 && shift > 0 ? 8 : 0);
        lines.push(`BenchmarkB${bi}/k=${bi % 2}-4 \t 1000\t ${ns} ns/op\t ${(r() * 100).toFixed(3)} MB/s\t ${bytes} bytes`);
      }
    });
    lines.push('pkg: example.com/b', 'note: mid-file', `BenchmarkOther-4 10 ${Math.round(500 + r() * 50)} ns/op`, `BenchmarkOther-4 10 ${Math.round(500 + r() * 50)} ns/op`, 'PASS');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), lines.join('\n') + '\n');
  };

  test('21–40 samples a side, rounded values (ties), an exact unit that varies once, two pkgs', async () => {
    const counts = [21, 24, 25, 27, 30, 31, 40];
    make('base.txt', 1, 0, counts);
    make('new.txt', 2, 0.03, counts.map((n, i) => n - (i % 3)));
    const tables = await checkParity(dir, 'base.txt', 'new.txt');
    const exact = tables.find((t) => t.unit === 'bytes')!;
    expect(exact.assumption).toBe('exact');
    expect(exact.notes.some((n) => n.startsWith('exact distribution expected'))).toBe(true);
  }, 60_000);
});

test('one file alone: benchstat’s single-column tables, token by token', async () => {
  await ensureBenchPairs();
  const file = 'twopkgs7/new.txt';
  const ours = compareBench([parseGoBench(readFileSync(join(benchpairRoot, file)))], []);
  expect(ours.every((t) => t.columns.length === 1 && t.rows.every((r) => r.delta === null && r.new === null))).toBe(true);
  const text = await runBenchstat([file], benchpairRoot);
  const mine = formatBenchTables(ours, { base: file, new: '' }).trimEnd().split('\n');
  expect(mine.map(tokens)).toEqual(text.stdout.trimEnd().split('\n').map(tokens));
}, 60_000);
