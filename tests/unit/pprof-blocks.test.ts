// The app's decode of a big profile in blocks (formats/pprof/decode-pprof.ts): each block's size
// counted by the threads that claim it (countClaimedBlocks), the columns sized from those counts
// (sampleBlocksOfCounts), the blocks decoded into them (decodeClaimedBlocks). Here on one thread:
// the columns equal decodePprof's; a thread that finds a block still being counted elsewhere says
// so; input whose counts the decode does not match stops every thread instead of writing past a block.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockCountsOf, countClaimedBlocks, decodeClaimedBlocks, decodePprof, profileOfBlocks, sampleBlocksOfCounts, SAMPLE_BLOCK, scanPprof } from '../../src-main/formats/pprof/decode-pprof';
import type { Profile } from '../../src-main/model/profile';
import { makeBigProfile } from '../bench/make-big-profile.mjs';

let raw: Buffer;
let whole: Profile;
beforeAll(async () => {
  raw = gunzipSync(readFileSync(await makeBigProfile(120_000)));
  whole = decodePprof(raw);
}, 240_000);

const COLUMNS = ['sampleLocStart', 'sampleLocs', 'values', 'sampleLabelStart', 'labelKey', 'labelStr', 'labelNum', 'labelNumUnit'] as const;

describe('a profile decoded in blocks', () => {
  it('has decodePprof’s sample columns', () => {
    const { skeleton, table } = scanPprof(raw);
    const nBlocks = Math.ceil(table.sStart.length / SAMPLE_BLOCK);
    expect(nBlocks).toBeGreaterThan(2);
    const counts = blockCountsOf(table);
    expect(countClaimedBlocks(table, counts)).toBe(true);
    const blocks = sampleBlocksOfCounts(table, counts);
    expect(decodeClaimedBlocks(table, blocks, new Int32Array(new SharedArrayBuffer(4)))).toEqual({ decoded: nBlocks });
    const p = profileOfBlocks(skeleton, blocks);
    expect(p.sampleCount).toBe(whole.sampleCount);
    // Made at the same place as decodePprof's (withSamples): the same fields in the same order, one shape for V8.
    expect(Object.keys(p)).toEqual(Object.keys(whole));
    for (const c of COLUMNS) expect(Buffer.compare(Buffer.from(p[c].buffer, p[c].byteOffset, p[c].byteLength), Buffer.from(whole[c].buffer, whole[c].byteOffset, whole[c].byteLength)), c).toBe(0);
  });

  it('a thread that finds a block claimed by another, not yet counted, says not all are counted', () => {
    const { table } = scanPprof(raw);
    const counts = blockCountsOf(table);
    const nBlocks = (counts.length - 2) >> 1;
    // Another thread took block 0 and is still at it.
    counts[counts.length - 2] = 1;
    expect(countClaimedBlocks(table, counts)).toBe(false);
    expect(counts[counts.length - 1]).toBe(nBlocks - 1);
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBeGreaterThan(0);
  });

  it('a block whose counts its decode does not match stops the decode (no thread claims another)', () => {
    const { table } = scanPprof(raw);
    // In a sample of the second block, its location ids say they run on past the sample's end.
    const at = table.sStart[SAMPLE_BLOCK + 7];
    expect(raw[at]).toBe(0x0a);
    expect(table.sEnd[SAMPLE_BLOCK + 7] - at).toBeLessThan(0x70);
    const bad = Buffer.from(raw);
    bad[at + 1] = 0x7f;
    const scan = scanPprof(bad);
    const counts = blockCountsOf(scan.table);
    countClaimedBlocks(scan.table, counts);
    const blocks = sampleBlocksOfCounts(scan.table, counts);
    const next = new Int32Array(new SharedArrayBuffer(4));
    const part = decodeClaimedBlocks(scan.table, blocks, next);
    expect(part).toHaveProperty('at', 1);
    expect(next[0]).toBeGreaterThanOrEqual(Math.ceil(scan.table.sStart.length / SAMPLE_BLOCK));
  });
});
