// The worker's warm-up profile is a valid pprof profile shaped like Go's allocs profiles, and every warm-up step runs.
import { expect, it } from 'vitest';
import { syntheticProfileBytes, warmUpSteps } from '../../src-main/workers/warm-up';
import { helperWarmUpSteps } from '../../src-main/workers/app-helper';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { summarizeProfile } from '../../src-main/analysis/profile-summary';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';
import { computeTop } from '../../src-main/analysis/top';
import { expectTotalsAddUp } from '../helpers/flame';

it('decodes and analyses the synthetic warm-up profile', () => {
  const p = decodePprof(syntheticProfileBytes(500, 12));
  expect(p.sampleCount).toBe(500);
  expect(p.sampleTypes.map((t) => t.type)).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
  expect(p.defaultSampleType).toBe('alloc_space');
  // A real profile's time fields (beyond V8's small integers: the fields hold doubles from the warm-up on).
  expect(p.timeNanos).toBeGreaterThan(2 ** 31);
  expect(p.durationNanos).toBeGreaterThan(2 ** 31);
  expect(p.period).toBe(524_288);
  const summary = summarizeProfile(p);
  expect(summary.profileType).toBe('allocs');
  expect(summary.labelKeys).toEqual(['bytes']);
  const g = buildFlameGraph(p, 1);
  expect(g.totalValue).toBe(summary.totals['alloc_space/bytes']);
  // Enough distinct paths that the trie grows past its first allocation, and stays consistent.
  expect(g.total.length).toBeGreaterThan(1024);
  expectTotalsAddUp(g);
  expect(g.inlined.some((x) => x === 1)).toBe(true);
  expect(computeTop(p, 1).rows.length).toBeGreaterThan(0);
});

// The app runs its warm-up steps in try/catch (an optimisation never takes a thread down), so a
// step that throws would go unnoticed there: here every step of the worker's and the helper's runs.
it('runs every warm-up step of the worker and of the app helper', () => {
  const worker = warmUpSteps();
  const helper = helperWarmUpSteps();
  expect(worker.length).toBeGreaterThan(10);
  expect(helper.length).toBeGreaterThan(10);
  for (const step of [...worker, ...helper]) step();
});
