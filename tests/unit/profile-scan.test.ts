// The import's scan of a pprof file (samples visited one at a time, never kept as columns) gives
// what the decoded profile gives: the summary, every sample type's function figures and top
// tables (flat and cum order, all rows, inline labels), on Go's own profiles of every kind; the
// function figures are also checked against a plain count by function name. Parts walked apart
// (two threads taking blocks of samples in turn: the helper thread over a file gunzipped into
// shared memory) add up to the whole.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodePprof, LocateAhead, scanPprof, scanSampleTable, type PprofScan } from '../../src-main/formats/pprof/decode-pprof';
import { SCAN_BLOCK, ScanBlockError, ScanFrames, ScannedProfile, scanClaimed, scanPart, type ScanPart } from '../../src-main/analysis/profile-scan';
import { makeBigProfile } from '../bench/make-big-profile.mjs';
import { gunzipShared, gunzipSharedByStream, gunzipTarget, GUNZIPPED, GUNZIP_DONE, GUNZIP_OFF, GUNZIP_STATE } from '../../src-main/workers/shared-gunzip';
import { gunzipAhead, receiveReadAhead } from '../../src-main/workers/read-ahead';
import { ScanHelper } from '../../src-main/workers/scan-helper';
import { summarizeProfile } from '../../src-main/analysis/profile-summary';
import { functionStatsOf } from '../../src-main/analysis/runs/function-stats';
import { computeTop } from '../../src-main/analysis/top';
import { FormatError } from '../../src-main/formats/format-error';
import type { Profile } from '../../src-main/model/profile';
import { goProfile, repoPath } from '../helpers/paths';

const GO_KINDS = ['cpu', 'heap', 'allocs', 'block', 'mutex', 'goroutine'] as const;
const files = [...GO_KINDS.map((k) => [`Go ${k}`, goProfile(k)]), ...['allocs', 'mutex', 'block'].map((k) => [`demo ${k}`, join(repoPath('resources/demo'), `demo-${k}.pb.gz`)])];

/** flat and cum by function name, counted the plain way: the leaf's innermost frame; once per name per sample. */
function byName(p: Profile, t: number): Map<string, { flat: number; cum: number }> {
  const out = new Map<string, { flat: number; cum: number }>();
  const n = p.sampleTypes.length;
  const at = (name: string) => out.get(name) ?? out.set(name, { flat: 0, cum: 0 }).get(name)!;
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * n + t];
    const names: string[] = [];
    for (let i = p.sampleLocStart[s]; i < p.sampleLocStart[s + 1]; i++) {
      const loc = p.sampleLocs[i];
      for (let l = p.locLineStart[loc]; l < p.locLineStart[loc + 1]; l++) names.push(p.strings[p.functionName[p.lineFunction[l]]]);
    }
    if (names.length === 0) continue;
    at(names[0]).flat += v;
    for (const name of new Set(names)) at(name).cum += v;
  }
  return out;
}

describe('scanPprof + ScannedProfile', () => {
  it.each(files)('%s: the decoded profile’s summary, function figures and top tables', (_name, file) => {
    const bytes = readFileSync(file);
    const decoded = decodePprof(bytes);
    const scan = scanPprof(bytes);
    expect(ScannedProfile.fits(scan.skeleton)).toBe(true);
    const scanned = new ScannedProfile(scan);
    expect(scanned.summary).toEqual(summarizeProfile(decoded));
    // Walked in two parts (as two threads do, each over the shared table) and added up: the same answers.
    const frames = new ScanFrames(scan.skeleton);
    const sampleBits = new Uint16Array(scan.sampleCount);
    const mid = scan.sampleCount >>> 1;
    const apart = scanSampleTable(scan.skeleton, scan.table);
    const parts = [scanPart(apart, frames, sampleBits, { from: mid }), scanPart(scan, frames, sampleBits, { to: mid })];
    const added = new ScannedProfile(scan, { frames, parts, sampleBits });
    expect(added.summary).toEqual(scanned.summary);
    expect(added.functionStats()).toEqual(scanned.functionStats());
    decoded.sampleTypes.forEach((_, t) => expect(added.top(t, { nodecount: 0, nodefraction: 0 })).toEqual(scanned.top(t, { nodecount: 0, nodefraction: 0 })));
    const stats = scanned.functionStats();
    expect(stats).toEqual(functionStatsOf(decoded));
    decoded.sampleTypes.forEach((_, t) => {
      for (const options of [{ nodecount: 20, nodefraction: 0.005 }, { nodecount: 0, nodefraction: 0, cum: true }]) {
        expect(scanned.top(t, options)).toEqual(computeTop(decoded, t, options));
      }
      const plain = byName(decoded, t);
      const st = stats.types[t];
      st.names.forEach((name, i) => expect([name, st.flat[i], st.cum[i]]).toEqual([name, plain.get(name)?.flat, plain.get(name)?.cum]));
    });
  });

  it('a profile of more than four sample types gets each type’s function figures (the accumulator’s path for many types)', () => {
    // Go's heap profile's four types and a fifth (the first, tripled): a sample's values are its five.
    const heap = decodePprof(readFileSync(goProfile('heap')));
    const n = heap.sampleTypes.length;
    const values = new Float64Array(heap.sampleCount * (n + 1));
    for (let s = 0; s < heap.sampleCount; s++) {
      for (let t = 0; t < n; t++) values[s * (n + 1) + t] = heap.values[s * n + t];
      values[s * (n + 1) + n] = 3 * heap.values[s * n];
    }
    const five: Profile = { ...heap, sampleTypes: [...heap.sampleTypes, { type: 'tripled', unit: 'count' }], values };
    const stats = functionStatsOf(five);
    expect(stats.types).toHaveLength(5);
    five.sampleTypes.forEach((_, t) => {
      const plain = byName(five, t);
      const st = stats.types[t];
      expect(st.names.length).toBeGreaterThan(0);
      st.names.forEach((name, i) => expect([name, st.flat[i], st.cum[i]]).toEqual([name, plain.get(name)?.flat, plain.get(name)?.cum]));
    });
    expect(stats.types[4].cum).toEqual(stats.types[0].cum.map((c) => 3 * c));
  });

  it('a sample naming an undefined location is reported as the decoder reports it', () => {
    // sample_type, one sample with location 9 and value 1, one location (id 1), the string table.
    const msg = Buffer.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x12, 0x05, 0x0a, 0x01, 0x09, 0x10, 0x01, 0x22, 0x02, 0x08, 0x01, 0x32, 0x00, 0x32, 0x01, 0x61, 0x32, 0x01, 0x62]);
    expect(() => decodePprof(msg)).toThrow(/refers to location id 9/);
    const scan = scanPprof(msg);
    expect(() => new ScannedProfile(scan)).toThrow(FormatError);
    expect(() => new ScannedProfile(scan)).toThrow(/refers to location id 9/);
  });

  it('this thread and the helper, taking blocks of samples in turn, add up to one thread’s walk (a file gunzipped into shared memory)', async () => {
    const gz = readFileSync(await makeBigProfile(120_000));
    const raw = await gunzipShared(gz);
    expect(raw.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.compare(raw, gunzipSync(gz))).toBe(0);
    const scan = scanPprof(raw);
    const n = scan.sampleCount;
    expect(n).toBeGreaterThan(3 * SCAN_BLOCK);
    const frames = new ScanFrames(scan.skeleton);
    const whole = new ScannedProfile(scan);
    const ours = new Uint16Array(n);
    scanPart(scan, frames, ours);
    const bits = new Uint16Array(new SharedArrayBuffer(2 * n));
    const next = new Int32Array(new SharedArrayBuffer(4));
    const helper = new ScanHelper(pathToFileURL(repoPath('out/main/profile-worker.js')));
    const same = (parts: ScanPart[]): void => {
      expect(parts.reduce((sum, p) => sum + p.samples, 0)).toBe(n);
      const together = new ScannedProfile(scan, { frames, parts, sampleBits: bits });
      expect(together.summary).toEqual(whole.summary);
      expect(together.functionStats()).toEqual(whole.functionStats());
      for (const t of [0, 1, 3]) expect(together.top(t, { nodecount: 0, nodefraction: 0 })).toEqual(whole.top(t, { nodecount: 0, nodefraction: 0 }));
      expect(Buffer.compare(Buffer.from(bits.buffer), Buffer.from(ours.buffer))).toBe(0);
    };
    try {
      // The helper alone from the third block on (the first two left to this thread): a split by construction.
      next[0] = 2 * SCAN_BLOCK;
      const late = await helper.run({ skeleton: scan.skeleton, table: scan.table, next, sampleBits: bits });
      expect(late.samples).toBe(n - 2 * SCAN_BLOCK);
      same([scanPart(scan, frames, bits, { from: 0, to: 2 * SCAN_BLOCK }), late]);
      // Both at once, however the blocks fall.
      bits.fill(0);
      next[0] = 0;
      const theirs = helper.run({ skeleton: scan.skeleton, table: scan.table, next, sampleBits: bits });
      const own = scanClaimed(scan, frames, bits, next);
      same([own, await theirs]);
    } finally {
      helper.close();
    }
  }, 120_000);

  it('bad input in the helper’s part is the decoder’s FormatError; bad gzip is worded as the decoder words it', async () => {
    const msg = Buffer.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x12, 0x05, 0x0a, 0x01, 0x09, 0x10, 0x01, 0x22, 0x02, 0x08, 0x01, 0x32, 0x00, 0x32, 0x01, 0x61, 0x32, 0x01, 0x62]);
    const scan = scanPprof(msg);
    const helper = new ScanHelper(pathToFileURL(repoPath('out/main/profile-worker.js')));
    try {
      const run = helper.run({ skeleton: scan.skeleton, table: scan.table, next: new Int32Array(new SharedArrayBuffer(4)), sampleBits: null });
      const failure = await run.then(() => null, (err: unknown) => err);
      expect(failure).toBeInstanceOf(ScanBlockError);
      expect((failure as ScanBlockError).at).toBe(0);
      expect((failure as ScanBlockError).cause).toBeInstanceOf(FormatError);
      expect((failure as ScanBlockError).message).toMatch(/refers to location id 9/);
    } finally {
      helper.close();
    }
    const gz = gzipSync(msg);
    await expect(gunzipShared(gz.subarray(0, gz.length - 6))).rejects.toThrow(/the gzip stream ends early \(truncated file\)/);
    const garbled = Buffer.from(gz);
    garbled[12] ^= 0xff;
    await expect(gunzipShared(garbled)).rejects.toThrow(FormatError);
    await expect(gunzipSharedByStream(gz.subarray(0, gz.length - 6))).rejects.toThrow(/the gzip stream ends early \(truncated file\)/);
    await expect(gunzipSharedByStream(garbled)).rejects.toThrow(FormatError);
  });

  it('locates a profile as its data arrives, in pieces of any size, as scanPprof does; leaves data it cannot read to scanPprof', async () => {
    const big = gunzipSync(readFileSync(await makeBigProfile(120_000)));
    const cases: [string, Buffer, number[]][] = [
      ...files.map(([name, file]): [string, Buffer, number[]] => [name, gunzipSync(readFileSync(file)), [1, 7, 1000]]),
      ['big', big, [65_536, 1_000_003]],
    ];
    expect(cases.length).toBe(files.length + 1);
    const sameScan = (ours: PprofScan | undefined, theirs: PprofScan, walk = true): void => {
      expect(ours).toBeDefined();
      expect(ours!.skeleton).toEqual(theirs.skeleton);
      const { bytes: _a, ...table } = ours!.table;
      const { bytes: _b, ...expected } = theirs.table;
      expect(table).toEqual(expected);
      if (walk) expect(new ScannedProfile(ours!).summary).toEqual(new ScannedProfile(theirs).summary);
    };
    for (const [, data, steps] of cases) {
      for (const step of steps) {
        // In a buffer longer than the data, as the gunzip's (sized by the trailer, one byte more).
        const buffer = Buffer.alloc(data.length + 100, 0xff);
        data.copy(buffer);
        const locate = new LocateAhead(buffer);
        for (let upTo = step; upTo < data.length; upTo += step) locate.add(upTo);
        sameScan(locate.finish(data.length), scanPprof(data));
      }
    }
    // Cut, flipped or not a profile at all: undefined (scanPprof says what is wrong); gzipped again: undefined (scanPprof unwraps it).
    const heap = gunzipSync(readFileSync(goProfile('heap')));
    const flipped = Buffer.from(heap);
    flipped[Math.floor(heap.length / 3)] ^= 0xff;
    expect(scanPprof(gzipSync(heap)).sampleCount).toBe(scanPprof(heap).sampleCount);
    for (const bad of [heap.subarray(0, Math.floor(heap.length / 2)), Buffer.from('not a profile at all'), gzipSync(heap), Buffer.alloc(0)]) {
      if (bad[0] !== 0x1f) expect(() => scanPprof(bad)).toThrow(FormatError);
      const locate = new LocateAhead(Buffer.concat([bad, Buffer.alloc(64)]));
      locate.add(bad.length >> 1);
      expect(locate.finish(bad.length)).toBeUndefined();
    }
    const scan = (() => {
      try {
        return scanPprof(flipped);
      } catch {
        return undefined;
      }
    })();
    const locate = new LocateAhead(flipped);
    locate.add(flipped.length >> 1);
    // (Located, its samples' bad ids are met by the walk, as scanPprof's are.)
    if (scan) sameScan(locate.finish(flipped.length), scan, false);
    else expect(locate.finish(flipped.length)).toBeUndefined();

    // Through the gunzip's progress (the entry's thread and the worker's, here one thread): the data and its samples located.
    for (const gz of [readFileSync(goProfile('allocs')), gzipSync(big)]) {
      const { port1, port2 } = new MessageChannel();
      const received = receiveReadAhead(port2);
      await gunzipAhead(gz, port1);
      const got = await received;
      port1.close();
      expect(Buffer.compare(Buffer.from(got!.data), gunzipSync(gz))).toBe(0);
      sameScan(got!.located && scanSampleTable(got!.located.skeleton, got!.located.table), scanPprof(gunzipSync(gz)));
    }
    // A gunzip that moves to a bigger buffer (a short trailer: two members) sends its data after it, not located; one that fails sends null.
    const twoMembers = Buffer.concat([gzipSync(big), gzipSync(big.subarray(0, 10))]);
    for (const [gz, expected] of [[twoMembers, Buffer.concat([big, big.subarray(0, 10)])], [twoMembers.subarray(0, twoMembers.length >> 1), null]] as const) {
      const { port1, port2 } = new MessageChannel();
      const received = receiveReadAhead(port2);
      await gunzipAhead(gz, port1);
      const got = await received;
      port1.close();
      if (expected === null) expect(got).toBeNull();
      else {
        expect(Buffer.compare(Buffer.from(got!.data), expected)).toBe(0);
        expect(got!.located).toBeUndefined();
      }
    }
    // A gunzip tells how far it has got, and that it is done (or off: a short hint moves it to a bigger buffer; bad data).
    const gz = gzipSync(heap);
    const target = gunzipTarget(gz);
    await gunzipShared(gz, target);
    expect([target.progress[GUNZIP_STATE], target.progress[GUNZIPPED]]).toEqual([GUNZIP_DONE, heap.length]);
    // Two members: the trailer is the last one's.
    const short = Buffer.concat([gzipSync(Buffer.concat([heap, Buffer.alloc(3 << 20)])), gzipSync(heap.subarray(0, 10))]);
    const moved = gunzipTarget(short);
    expect((await gunzipShared(short, moved)).length).toBe(heap.length + (3 << 20) + 10);
    expect(moved.progress[GUNZIP_STATE]).toBe(GUNZIP_OFF);
    const broken = gunzipTarget(gz);
    await expect(gunzipShared(gz.subarray(0, gz.length - 6), broken)).rejects.toThrow(FormatError);
    expect(broken.progress[GUNZIP_STATE]).toBe(GUNZIP_OFF);
  }, 120_000);

  it('gunzips into shared memory whatever size the gzip trailer claims (exact, short: two members, long), by zlib’s handle and by its stream alike', async () => {
    const raw = gunzipSync(readFileSync(goProfile('heap')));
    const twoMembers = Buffer.concat([gzipSync(raw.subarray(0, 1000)), gzipSync(raw.subarray(1000))]);
    const claimsMore = gzipSync(raw);
    claimsMore.writeUInt32LE(raw.length * 3, claimsMore.length - 4);
    for (const gz of [gzipSync(raw), twoMembers]) {
      for (const out of [await gunzipShared(gz), await gunzipSharedByStream(gz)]) {
        expect(out.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(Buffer.compare(out, raw)).toBe(0);
      }
    }
    // A trailer that disagrees with the data is zlib's length check failing, either way.
    await expect(gunzipShared(claimsMore)).rejects.toThrow(/invalid gzip data/);
    await expect(gunzipSharedByStream(claimsMore)).rejects.toThrow(/invalid gzip data/);
  });
});
