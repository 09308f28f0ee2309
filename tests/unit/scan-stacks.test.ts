// The stacks an import's scan keeps in the app (analysis/scan-stacks.ts): walked in one part or
// in several (as two threads walk them, into shared columns that are closed up afterwards), the
// sample columns are the decoded profile's, so its flame graphs and top tables are too; the helper
// thread keeps its part as this thread would; and the app's worker answers a profile's first
// views from them after its import without asking for the bytes again, while a view that needs
// labels (tag filters) still decodes the profile.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePprof, scanPprof, type PprofScan } from '../../src-main/formats/pprof/decode-pprof';
import { ScanFrames, scanPart } from '../../src-main/analysis/profile-scan';
import { keepingStacks, partOfItsOwn, stackColumnsFor, stackProfile, type StackPart } from '../../src-main/analysis/scan-stacks';
import { buildFlameGraph, FlameStructure, type FlameGraph } from '../../src-main/analysis/flame-graph';
import { computeTop, TopFigures } from '../../src-main/analysis/top';
import { viewProfile, type ViewFilters } from '../../src-main/analysis/profile-view';
import { topOf } from '../../src-main/analysis/profile-ops';
import { gunzipShared } from '../../src-main/workers/shared-gunzip';
import { ScanHelper } from '../../src-main/workers/scan-helper';
import { ProfileWorkerClient } from '../../src-main/workers/profile-worker-client';
import { sha256Hex } from '../../src-main/library/blobs';
import type { Profile } from '../../src-main/model/profile';
import { goProfile, repoPath } from '../helpers/paths';
import { makeBigProfile } from '../bench/make-big-profile.mjs';

const WORKER = repoPath('out/main/profile-worker.js');
let bigFile = '';
beforeAll(async () => {
  bigFile = await makeBigProfile(20_000);
}, 240_000);

/** The scan's samples walked in `cuts.length + 1` parts (split at the cuts), their stacks kept. */
function keptIn(scan: PprofScan, cuts: number[], shared: boolean): Profile {
  const columns = stackColumnsFor(scan.table, scan.skeleton.sampleTypes.length, shared);
  const frames = new ScanFrames(scan.skeleton);
  const bounds = [0, ...cuts, scan.sampleCount];
  const parts: StackPart[] = [];
  // Walked last part first; all but the first into buffers of their own (as another thread's part).
  for (let i = bounds.length - 2; i >= 0; i--) {
    const part: StackPart = i === 0 ? { from: 0, to: bounds[1], base: 0, end: 0 } : partOfItsOwn(scan.table, bounds[i], bounds[i + 1]);
    scanPart(keepingStacks(scan, columns, part), frames, null, { from: part.from, to: part.to });
    parts.unshift(part);
  }
  return stackProfile(scan.skeleton, scan.sampleCount, columns, parts);
}

/** Whether two typed arrays hold the same bytes (quicker than toEqual over millions of elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.constructor === b.constructor && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function expectSameSamples(kept: Profile, decoded: Profile): void {
  expect(kept.sampleCount).toBe(decoded.sampleCount);
  expect(sameBytes(kept.sampleLocStart, decoded.sampleLocStart)).toBe(true);
  expect(sameBytes(kept.sampleLocs, decoded.sampleLocs)).toBe(true);
  expect(sameBytes(kept.values, decoded.values)).toBe(true);
  expect(kept.labelKey.length).toBe(0);
}

/** Two flame graphs equal column by column. */
function expectSameGraph(a: FlameGraph, b: FlameGraph, what = ''): void {
  const columns = ['nameIndex', 'depth', 'total', 'self', 'inlined'] as const;
  const rest = (g: FlameGraph) => ({ ...g, nameIndex: null, depth: null, total: null, self: null, inlined: null, delta: g.delta ? Array.from(g.delta) : null });
  expect(rest(a), what).toEqual(rest(b));
  for (const c of columns) expect(sameBytes(a[c], b[c]), `${what} ${c}`).toBe(true);
}

describe('stacks kept by an import scan', () => {
  it.each([['Go allocs', () => goProfile('allocs')], ['Go cpu', () => goProfile('cpu')], ['bigprofile 20,000', () => bigFile]])('%s: one part or three, the decoded profile’s samples, flame graphs and top tables', (_name, file) => {
    const bytes = readFileSync(file());
    const decoded = decodePprof(bytes);
    const scan = scanPprof(bytes);
    const n = scan.sampleCount;
    for (const [cuts, shared] of [[[], false], [[Math.floor(n / 3), Math.floor((2 * n) / 3)], true]] as const) {
      const kept = keptIn(scan, [...cuts], shared);
      expectSameSamples(kept, decoded);
      for (const inverted of [false, true]) {
        const structure = new FlameStructure(kept, inverted);
        for (let t = 0; t < decoded.sampleTypes.length; t++) {
          expectSameGraph(structure.graph(t), buildFlameGraph(decoded, t, { inverted }), `type ${t} inverted=${inverted}`);
        }
      }
      for (let t = 0; t < decoded.sampleTypes.length; t++) expect(computeTop(kept, t, { nodecount: 0, nodefraction: 0 })).toEqual(computeTop(decoded, t, { nodecount: 0, nodefraction: 0 }));
    }
  });

  it.each([['Go allocs', () => goProfile('allocs')], ['Go heap', () => goProfile('heap')], ['bigprofile 20,000', () => bigFile]])('%s: top tables of every type from one walk of the stacks (TopFigures) are computeTop’s', (_name, file) => {
    const decoded = decodePprof(readFileSync(file()));
    const figures = new TopFigures(decoded);
    const types = decoded.sampleTypes.map((_, t) => t);
    let labelled = 0;
    for (const options of [{ nodecount: 100, nodefraction: 0.005 }, { nodecount: 0, nodefraction: 0, cum: true }, { nodecount: 100, nodefraction: 0.005 }]) {
      // The last type first: its first table makes every type's edges.
      for (const t of [...types].reverse()) {
        const ours = figures.top(t, options);
        expect(ours, `type ${t} ${JSON.stringify(options)}`).toEqual(computeTop(decoded, t, options));
        labelled += ours.rows.filter((r) => r.inline !== '').length;
      }
    }
    expect(labelled).toBeGreaterThan(0);
  });

  it('the helper thread keeps its part’s stacks in the shared columns', async () => {
    const gz = readFileSync(bigFile);
    const scan = scanPprof(await gunzipShared(gz));
    const columns = stackColumnsFor(scan.table, scan.skeleton.sampleTypes.length, true);
    const mid = scan.sampleCount >>> 1;
    const own: StackPart = { from: 0, to: mid, base: 0, end: 0 };
    const theirs = partOfItsOwn(scan.table, mid, scan.sampleCount);
    const helper = new ScanHelper(pathToFileURL(WORKER));
    try {
      const done = helper.run({ skeleton: scan.skeleton, table: scan.table, from: mid, to: scan.sampleCount, sampleBits: null, stacks: { columns, part: theirs } });
      scanPart(keepingStacks(scan, columns, own), new ScanFrames(scan.skeleton), null, { from: 0, to: mid });
      theirs.end = (await done).stacksEnd!;
    } finally {
      helper.close();
    }
    expect(theirs.end).toBeGreaterThan(0);
    expectSameSamples(stackProfile(scan.skeleton, scan.sampleCount, columns, [own, theirs]), decodePprof(gz));
  });

  it('the app’s worker answers flame graphs and top tables from them after an import; a tag filter decodes', async () => {
    const bytes = readFileSync(bigFile);
    const sha256 = sha256Hex(bytes);
    const decoded = decodePprof(bytes);
    const client = new ProfileWorkerClient(WORKER, true);
    let asked = 0;
    const load = (): Uint8Array => {
      asked++;
      return bytes;
    };
    const view = (filters = {}) => ({ sources: [{ sha256 }], base: [], filters });
    try {
      await client.run({ op: 'summarize', source: { sha256, bytes } }, load);
      // The import's last question: the worker then builds the first flame graph's trie ahead of its request.
      await client.run({ op: 'functionStats', source: { sha256 } }, load);
      const fromStacks = await client.run<FlameGraph>({ op: 'flame', view: view(), sampleType: 'inuse_space' }, load);
      const focused = await client.run<FlameGraph>({ op: 'flame', view: view({ focus: 'step1_' }), inverted: true }, load);
      const top = await client.run({ op: 'top', view: view({ ignore: 'helper' }), options: { nodecount: 30, nodefraction: 0.005 } }, load);
      // The plain view's tables come from the scan's figures, their inline labels from the kept stacks.
      const plainTops: { rows: { inline: string }[] }[] = [];
      for (const sampleType of ['alloc_space', 'inuse_objects']) plainTops.push(await client.run<{ rows: { inline: string }[] }>({ op: 'top', view: view(), sampleType, options: { nodecount: 100, nodefraction: 0.005 } }, load));
      expect(asked).toBe(0);
      // The decoded profile's views, built here.
      const expected = (filters: ViewFilters) => viewProfile({ sources: [decoded] }, filters);
      expectSameGraph(fromStacks, new FlameStructure(decoded, false).graph(3));
      expectSameGraph(focused, new FlameStructure(expected({ focus: 'step1_' }).profile, true).graph(1));
      expect(focused.nameIndex.length).toBeGreaterThan(1);
      expect(top).toEqual(topOf(expected({ ignore: 'helper' }), undefined, { nodecount: 30, nodefraction: 0.005 }));
      expect(plainTops).toEqual(['alloc_space', 'inuse_objects'].map((t) => topOf(expected({}), t, { nodecount: 100, nodefraction: 0.005 })));
      expect(plainTops[0].rows.some((r: { inline: string }) => r.inline !== '')).toBe(true);
      // Tag filters read labels: the worker asks for the bytes and decodes.
      const tagged = await client.run<FlameGraph>({ op: 'flame', view: view({ tagfocus: 'tenant=tenant-0[0-4]' }) }, load);
      expect(asked).toBe(1);
      expectSameGraph(tagged, new FlameStructure(expected({ tagfocus: 'tenant=tenant-0[0-4]' }).profile, false).graph(1));
      expect(tagged.totalValue).toBeLessThan(buildFlameGraph(decoded, 1).totalValue);
    } finally {
      await client.close();
    }
  }, 120_000);
});
