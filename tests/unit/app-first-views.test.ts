// The first views of a profile the app just imported (workers/profile-worker.ts): the worker
// answers its flame graphs (the first one's trie built right after the import's figures) and
// top tables without asking for the bytes again, each equal to the decoded profile's own; and a
// view's top tables of every sample type, whose inline labels come from one walk of the stacks
// (TopFigures, analysis/top.ts), equal computeTop's (checked against go tool pprof elsewhere).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodePprof, SAMPLE_BLOCK, scanPprof } from '../../src-main/formats/pprof/decode-pprof';
import { encodePprof } from '../../src-main/formats/pprof/encode-pprof';
import { buildFlameGraph, FlameStructure, type FlameGraph } from '../../src-main/analysis/flame-graph';
import { computeTop, TopFigures } from '../../src-main/analysis/top';
import { viewProfile, type ViewFilters } from '../../src-main/analysis/profile-view';
import { topOf } from '../../src-main/analysis/profile-ops';
import { ProfileWorkerClient } from '../../src-main/workers/profile-worker-client';
import type { WorkerThreads } from '../../src-main/workers/profile-worker-protocol';
import { summarizeProfile } from '../../src-main/analysis/profile-summary';
import { sha256Hex } from '../../src-main/library/blobs';
import { goProfile, repoPath } from '../helpers/paths';
import { makeBigProfile } from '../bench/make-big-profile.mjs';
import { stackOrder, stackOrderSizes } from '../../src-main/analysis/stack-order';

const WORKER = repoPath('out/main/profile-worker.js');
let bigFile = '';
/** Over a million frames in all its stacks: the worker's first flame trie is partial and made on the helper thread. */
let biggerFile = '';
/** Its records in a pseudo-random order, and enough of them (over 4 Mi locations in all) that the app decodes them in its trie's order (stack-order.ts recordKeyPlan). */
let shuffledFile = '';
beforeAll(async () => {
  bigFile = await makeBigProfile(20_000);
  biggerFile = await makeBigProfile(120_000);
  shuffledFile = await makeBigProfile(240_000, { shuffled: true });
}, 240_000);

/** Whether two typed arrays hold the same bytes (quicker than toEqual over millions of elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.constructor === b.constructor && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

/** The message a decode on one thread refuses these bytes with ('decoded' when it does not). */
function decodeError(bytes: Uint8Array): string {
  try {
    decodePprof(bytes);
  } catch (err) {
    return (err as Error).message;
  }
  return 'decoded';
}

/** Two flame graphs equal column by column. */
function expectSameGraph(a: FlameGraph, b: FlameGraph, what = ''): void {
  const columns = ['nameIndex', 'depth', 'total', 'self', 'inlined'] as const;
  const rest = (g: FlameGraph) => ({ ...g, nameIndex: null, depth: null, total: null, self: null, inlined: null, delta: g.delta ? Array.from(g.delta) : null });
  expect(rest(a), what).toEqual(rest(b));
  for (const c of columns) expect(sameBytes(a[c], b[c]), `${what} ${c}`).toBe(true);
}

describe('the first views of a profile the app imported', () => {
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

  it('the app’s worker answers its flame graphs (the first one’s trie built ahead) and top tables without the bytes again, as the decoded profile’s', async () => {
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
      // The plain view's tables: the import's figures, every type's labels from one walk.
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
      const tagged = await client.run<FlameGraph>({ op: 'flame', view: view({ tagfocus: 'tenant=tenant-0[0-4]' }) }, load);
      expect(asked).toBe(0);
      expectSameGraph(tagged, new FlameStructure(expected({ tagfocus: 'tenant=tenant-0[0-4]' }).profile, false).graph(1));
      expect(tagged.totalValue).toBeLessThan(buildFlameGraph(decoded, 1).totalValue);
    } finally {
      await client.close();
    }
  }, 120_000);

  it('a big import’s first flame trie, made on the helper thread while the worker answers the figures and the first top table, is the one built here', async () => {
    const bytes = readFileSync(biggerFile);
    const sha256 = sha256Hex(bytes);
    const decoded = decodePprof(bytes);
    expect(decoded.sampleLocs.length).toBeGreaterThan(1_000_000);
    const client = new ProfileWorkerClient(WORKER, true);
    const load = (): Uint8Array => {
      throw new Error('the worker asked for the bytes again');
    };
    const view = { sources: [{ sha256 }], base: [], filters: {} };
    const options = { nodecount: 80, nodefraction: 0.005 };
    try {
      await client.run({ op: 'summarize', source: { sha256, bytes } }, load);
      await client.run({ op: 'functionStats', source: { sha256 } }, load);
      // As the page asks: the flame graph, then the top table while the trie may still be in the making.
      const [flame, top] = await Promise.all([client.run<FlameGraph>({ op: 'flame', view, maxNodes: 250_000 }, load), client.run({ op: 'top', view, options }, load)]);
      const others = [];
      for (const sampleType of ['alloc_objects', 'inuse_objects', 'inuse_space']) others.push(await client.run<FlameGraph>({ op: 'flame', view, sampleType, maxNodes: 250_000 }, load));
      const structure = new FlameStructure(decoded, false, 1e-4);
      expectSameGraph(flame, structure.graph(1, { maxNodes: 250_000 }), 'alloc_space');
      others.forEach((g, i) => expectSameGraph(g, structure.graph([0, 2, 3][i], { maxNodes: 250_000 }), g.sampleType));
      expect(flame.hidden?.subtrees).toBe(true);
      expect(top).toEqual(computeTop(decoded, 1, options));
      // A chip keeping over a million frames: its tries (forward, and inverted once the plain view
      // has one) narrowed from the plain view's on the helper, while the worker answers its top
      // table; two sample types asked at once (the second waits for the same trie). Then the same
      // chip inverted on the plain view's inverted trie, and a chip asked while the helper is busy
      // (made here).
      const chip = { ...view, filters: { ignore: 'step3_2' } };
      const plainInverted = await client.run<FlameGraph>({ op: 'flame', view, inverted: true, maxNodes: 250_000 }, load);
      const [chipFlame, chipTop, chipOther] = await Promise.all([
        client.run<FlameGraph>({ op: 'flame', view: chip, maxNodes: 250_000 }, load),
        client.run({ op: 'top', view: chip, options }, load),
        client.run<FlameGraph>({ op: 'flame', view: chip, sampleType: 'inuse_objects', maxNodes: 250_000 }, load),
      ]);
      const chipInverted = await client.run<FlameGraph>({ op: 'flame', view: chip, inverted: true, sampleType: 'alloc_objects', maxNodes: 250_000 }, load);
      // The chip's figures (made in its walk of the stacks, by both threads) of another type; a focus chip's too.
      const chipTopOther = await client.run({ op: 'top', view: chip, sampleType: 'inuse_space', options }, load);
      const focus = { ...view, filters: { focus: 'step3_2' } };
      const focusTop = await client.run({ op: 'top', view: focus, sampleType: 'alloc_objects', options: { nodecount: 0, nodefraction: 0, cum: true } }, load);
      const other = { ...view, filters: { ignore: 'step2_1' } };
      const [otherForward, otherInverted] = await Promise.all([
        client.run<FlameGraph>({ op: 'flame', view: other, maxNodes: 250_000 }, load),
        client.run<FlameGraph>({ op: 'flame', view: other, inverted: true, maxNodes: 250_000 }, load),
      ]);
      const otherView = viewProfile({ sources: [decoded] }, other.filters).profile;
      expectSameGraph(otherForward, new FlameStructure(otherView, false, 1e-4).graph(1, { maxNodes: 250_000 }), 'other chip');
      expectSameGraph(otherInverted, new FlameStructure(otherView, true, 1e-4).graph(1, { maxNodes: 250_000 }), 'other chip inverted');
      const chipView = viewProfile({ sources: [decoded] }, chip.filters);
      expect(chipView.profile.sampleLocs.length).toBeGreaterThan(1_000_000);
      expectSameGraph(plainInverted, new FlameStructure(decoded, true, 1e-4).graph(1, { maxNodes: 250_000 }), 'plain inverted');
      const chipForward = new FlameStructure(chipView.profile, false, 1e-4);
      expectSameGraph(chipFlame, chipForward.graph(1, { maxNodes: 250_000 }), 'chip alloc_space');
      expectSameGraph(chipOther, chipForward.graph(2, { maxNodes: 250_000 }), 'chip inuse_objects');
      expectSameGraph(chipInverted, new FlameStructure(chipView.profile, true, 1e-4).graph(0, { maxNodes: 250_000 }), 'chip inverted alloc_objects');
      expect([chipFlame.sampleType, chipOther.sampleType, chipInverted.sampleType]).toEqual(['alloc_space', 'inuse_objects', 'alloc_objects']);
      expect(chipFlame.hidden?.subtrees).toBe(true);
      expect(chipFlame.totalValue).toBeLessThan(flame.totalValue);
      expect(chipTop).toEqual(topOf(chipView, undefined, options));
      expect(chipTopOther).toEqual(topOf(chipView, 'inuse_space', options));
      expect(focusTop).toEqual(topOf(viewProfile({ sources: [decoded] }, focus.filters), 'alloc_objects', { nodecount: 0, nodefraction: 0, cum: true }));
      // The profile the worker and the helper decoded together (blocks of samples each) is the whole profile.
      const encoded = await client.run<{ bytes: Uint8Array }>({ op: 'encode', view }, load);
      expect(Buffer.compare(Buffer.from(encoded.bytes), Buffer.from(encodePprof(decoded)))).toBe(0);
    } finally {
      await client.close();
    }
  }, 120_000);

  /** The app's worker once warm, its helper thread started and idle (as after the app's start, before the user's first import). */
  async function warmClient(): Promise<ProfileWorkerClient> {
    const client = new ProfileWorkerClient(WORKER, true);
    for (const until = Date.now() + 90_000; ; ) {
      const threads = await client.run<WorkerThreads>({ op: 'threads' }, () => new Uint8Array());
      if (threads.helper === 'ready') {
        expect(threads.warm).toBe(true);
        return client;
      }
      if (Date.now() > until) throw new Error(`the worker's helper did not start: ${JSON.stringify(threads)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The worker is not to ask for a profile's bytes again. */
  const noBytesAgain = (): Uint8Array => {
    throw new Error('the worker asked for the bytes again');
  };

  /** The bigger profile's bytes, address and decode here, and a warm client (warmClient) to send it to. */
  async function biggerOnWarmClient(): Promise<{ bytes: Buffer; sha256: string; decoded: ReturnType<typeof decodePprof>; client: ProfileWorkerClient }> {
    const bytes = readFileSync(biggerFile);
    return { bytes, sha256: sha256Hex(bytes), decoded: decodePprof(bytes), client: await warmClient() };
  }

  it('the helper starts once the worker is warm, before any import; a big import then decodes on both threads to the same profile', async () => {
    const { bytes, sha256, decoded, client } = await biggerOnWarmClient();
    const load = noBytesAgain;
    try {
      const summary = await client.run({ op: 'summarize', source: { sha256, bytes } }, load);
      expect(summary).toEqual(summarizeProfile(decoded));
      const encoded = await client.run<{ bytes: Uint8Array }>({ op: 'encode', view: { sources: [{ sha256 }], base: [], filters: {} } }, load);
      expect(Buffer.compare(Buffer.from(encoded.bytes), Buffer.from(encodePprof(decoded)))).toBe(0);
      // A cut file: refused with the message of a decode on one thread, and the helper is still there for the next.
      const cut = bytes.subarray(0, bytes.length - 4096);
      const expected = decodeError(cut);
      expect(expected).not.toBe('decoded');
      await expect(client.run({ op: 'summarize', source: { sha256: sha256Hex(cut), bytes: cut } }, () => cut)).rejects.toThrow(expected);
      expect((await client.run<WorkerThreads>({ op: 'threads' }, load)).helper).toBe('ready');
    } finally {
      await client.close();
    }
  }, 180_000);

  it('a big import whose records are not grouped by stack is decoded on both threads in its trie’s order: the same samples, summary, top table and flame graphs', async () => {
    const bytes = readFileSync(shuffledFile);
    const sha256 = sha256Hex(bytes);
    const decoded = decodePprof(bytes);
    expect(decoded.sampleLocs.length).toBeGreaterThan(stackOrderSizes.minLocations);
    // The file's own order is one the trie would copy.
    expect(stackOrder(decoded, false)).not.toBeNull();
    const client = await warmClient();
    const load = noBytesAgain;
    const view = { sources: [{ sha256 }], base: [], filters: {} };
    const options = { nodecount: 80, nodefraction: 0.005 };
    try {
      expect(await client.run({ op: 'summarize', source: { sha256, bytes } }, load)).toEqual(summarizeProfile(decoded));
      await client.run({ op: 'functionStats', source: { sha256 } }, load);
      const [flame, top] = await Promise.all([client.run<FlameGraph>({ op: 'flame', view, maxNodes: 250_000 }, load), client.run({ op: 'top', view, options }, load)]);
      const structure = new FlameStructure(decoded, false, 1e-4);
      expectSameGraph(flame, structure.graph(1, { maxNodes: 250_000 }), 'alloc_space');
      expectSameGraph(await client.run<FlameGraph>({ op: 'flame', view, sampleType: 'inuse_objects', maxNodes: 250_000 }, load), structure.graph(2, { maxNodes: 250_000 }), 'inuse_objects');
      expect(top).toEqual(computeTop(decoded, 1, options));
      // The worker's profile: the file's samples, each whole, in another order, one the trie keeps.
      const encoded = await client.run<{ bytes: Uint8Array }>({ op: 'encode', view }, load);
      const kept = decodePprof(encoded.bytes);
      expect(stackOrder(kept, false)).toBeNull();
      // (Locations and strings by what they are: an encode numbers them as it meets them.)
      const rows = (p: typeof decoded): string[] => {
        const n = p.sampleTypes.length;
        const location = Array.from({ length: p.locAddress.length }, (_, l) => {
          const lines = [];
          for (let i = p.locLineStart[l]; i < p.locLineStart[l + 1]; i++) lines.push(`${p.strings[p.functionName[p.lineFunction[i]]]}:${p.lineNumber[i]}`);
          return `${p.locAddress[l]}/${lines.join('/')}`;
        });
        const text = (a: ArrayLike<number>): string => Array.from(a, (i) => p.strings[i]).join(',');
        return Array.from({ length: p.sampleCount }, (_, s) => {
          const [a, b] = [p.sampleLabelStart[s], p.sampleLabelStart[s + 1]];
          return [Array.from(p.sampleLocs.subarray(p.sampleLocStart[s], p.sampleLocStart[s + 1]), (l) => location[l]).join(','), p.values.subarray(s * n, (s + 1) * n).join(','), text(p.labelKey.subarray(a, b)), text(p.labelStr.subarray(a, b)), p.labelNum.subarray(a, b).join(',')].join('|');
        }).sort();
      };
      const [a, b] = [rows(kept), rows(decoded)];
      expect(a.length).toBe(b.length);
      expect(a.filter((r, i) => r !== b[i]).length).toBe(0);
      // A cut file of the kind: refused with the message of a decode on one thread.
      const cut = bytes.subarray(0, bytes.length - 4096);
      const expected = decodeError(cut);
      expect(expected).not.toBe('decoded');
      await expect(client.run({ op: 'summarize', source: { sha256: sha256Hex(cut), bytes: cut } }, () => cut)).rejects.toThrow(expected);
    } finally {
      await client.close();
    }
  }, 180_000);

  it('a big view’s inverted trie is made ahead on the helper once the app is idle, and its graph is the one built here', async () => {
    const { bytes, sha256, decoded, client } = await biggerOnWarmClient();
    const load = noBytesAgain;
    const view = { sources: [{ sha256 }], base: [], filters: {} };
    try {
      await client.run({ op: 'summarize', source: { sha256, bytes } }, load);
      await client.run({ op: 'functionStats', source: { sha256 } }, load);
      await client.run<FlameGraph>({ op: 'flame', view, maxNodes: 250_000 }, load);
      // Asking about the threads is no request: the quiet second it waits for passes meanwhile.
      for (const until = Date.now() + 60_000; (await client.run<WorkerThreads>({ op: 'threads' }, load)).invertedAhead !== 'made'; ) {
        if (Date.now() > until) throw new Error('the inverted trie was not made ahead');
        await new Promise((r) => setTimeout(r, 100));
      }
      const inverted = await client.run<FlameGraph>({ op: 'flame', view, inverted: true, sampleType: 'inuse_space', maxNodes: 250_000 }, load);
      expectSameGraph(inverted, new FlameStructure(decoded, true, 1e-4).graph(3, { maxNodes: 250_000 }), 'plain inverted, made ahead');
      // A chip's inverted graph is then narrowed from it.
      const chip = { ...view, filters: { ignore: 'step3_2' } };
      const chipInverted = await client.run<FlameGraph>({ op: 'flame', view: chip, inverted: true, maxNodes: 250_000 }, load);
      expectSameGraph(chipInverted, new FlameStructure(viewProfile({ sources: [decoded] }, chip.filters).profile, true, 1e-4).graph(1, { maxNodes: 250_000 }), 'chip inverted');
    } finally {
      await client.close();
    }
  }, 180_000);

  it('bad input in a block of samples the app decodes on two threads is refused with the message of a decode on one', async () => {
    const raw = gunzipSync(readFileSync(biggerFile));
    const { table } = scanPprof(raw);
    // A sample of the third block whose first location id becomes 0 (an id no location has).
    const at = table.sStart[2 * SAMPLE_BLOCK + 100];
    expect(raw[at]).toBe(0x0a);
    const bad = Buffer.from(raw);
    bad[at + 2] = 0;
    const bytes = gzipSync(bad);
    const expected = decodeError(bytes);
    expect(expected).toMatch(/location id 0/);
    const sha256 = sha256Hex(bytes);
    const client = new ProfileWorkerClient(WORKER, true);
    try {
      await expect(client.run({ op: 'summarize', source: { sha256, bytes } }, () => bytes)).rejects.toThrow(expected);
    } finally {
      await client.close();
    }
  }, 120_000);
});
