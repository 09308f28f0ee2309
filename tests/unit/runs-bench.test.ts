// Benchmarks through runs: `gpw compare` of two `go test -bench` outputs (files, or runs holding
// them) gives benchstat's tables (analysis/bench, checked against benchstat itself in
// bench-benchstat.test.ts) in the contract's names, the text as benchstat prints it, and a
// benchmark's trend across runs is its median per run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { benchpairRoot, ensureBenchPairs } from '../go/benchpair-gen.mjs';
import { gpw, gpwJson } from '../helpers/run';
import { tempDir } from '../helpers/paths';
import { parseGoBench } from '../../src-main/formats/gobench/parse-gobench';
import { benchCenter, compareBench } from '../../src-main/analysis/bench/compare-bench';
import type { RunComparison, Trend } from '../../src-main/api/runs-types';

const tmp = tempDir('gpw-runs-bench-');
const lib = join(tmp.dir, 'lib.sqlite');
let base = '';
let next = '';
beforeAll(async () => {
  await ensureBenchPairs();
  base = join(benchpairRoot, 'count10', 'base.txt');
  next = join(benchpairRoot, 'count10', 'new.txt');
}, 900_000);
afterAll(() => tmp.cleanup());

test('gpw compare BASE.txt NEW.txt: benchstat\'s tables in the contract\'s names', async () => {
  const c = await gpwJson<RunComparison>(lib, 'compare', base, next);
  const expected = compareBench([parseGoBench(readFileSync(base))], [parseGoBench(readFileSync(next))], { alpha: 0.05 });
  expect(c.bench).toEqual(JSON.parse(JSON.stringify(expected)));
  const secOp = c.bench.find((t) => t.unit === 'sec/op')!;
  expect(secOp.rows.length).toBeGreaterThan(3);
  for (const r of secOp.rows) {
    expect(r).toHaveProperty('name');
    expect(r).toHaveProperty('deltaPct');
    expect(r).toHaveProperty('p');
    expect(r).toHaveProperty('significant');
  }
  const parse = secOp.rows.find((r) => r.name.startsWith('Parse'))!;
  expect(parse.base).toMatchObject({ n: 10 });
  expect(typeof parse.base!.center).toBe('number');
  expect(secOp.geomean).toHaveProperty('deltaPct');
  const text = await gpw(lib, 'compare', base, next);
  expect(text.stdout).toMatch(/sec\/op/);
  expect(text.stdout).toMatch(/geomean/);
});

test('bench runs: compare by run name, and a benchmark\'s trend is its median per run', async () => {
  expect((await gpw(lib, 'import', base, '--run', 'bench-a', '--label', 'svc=bench')).code).toBe(0);
  expect((await gpw(lib, 'import', next, '--run', 'bench-b', '--label', 'svc=bench')).code).toBe(0);
  const byRun = await gpwJson<RunComparison>(lib, 'compare', 'bench-a', 'bench-b');
  const byFile = await gpwJson<RunComparison>(lib, 'compare', base, next);
  expect(byRun.bench).toEqual(byFile.bench);
  expect(byRun.base.counts).toEqual({ bench: 1 });
  const name = byRun.bench.find((t) => t.unit === 'sec/op')!.rows.find((r) => r.name.startsWith('Parse'))!.name;
  const t = await gpwJson<Trend>(lib, 'trend', '--metric', `bench:${name}:sec/op`, '--label', 'svc=bench');
  expect(t.points.map((p) => p.run)).toEqual(['bench-a', 'bench-b']);
  expect(t.points[0].value).toBe(benchCenter([parseGoBench(readFileSync(base))], name, 'sec/op')!.center);
  expect(t.points[1].n).toBe(10);
  const bad = await gpw(lib, 'trend', '--metric', 'bench:Parse');
  expect(bad.stderr).toMatch(/bench:NAME:UNIT/);
});
