// The worker's warm-up profile is a valid pprof profile shaped like Go's allocs profiles.
import { expect, it } from 'vitest';
import { syntheticProfileBytes } from '../../src-main/workers/warm-up';
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
