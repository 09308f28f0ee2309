// Warms the worker's hot paths while the app is idle: decodes a synthetic profile and builds
// its flame graph and top table a few times, so that V8 has optimised code for them before a
// user's first large profile arrives (cold, a 1M-allocation profile takes about twice as long).
// Runs in short steps so a real request waits at most for one step.

import { levelStacks } from '../analysis/flame-levels.js';
import { protoWriter } from '../formats/pprof/proto-writer.js';
import { decodePprof } from '../formats/pprof/decode-pprof.js';
import { summarizeProfile } from '../analysis/profile-summary.js';
import { buildFlameGraph } from '../analysis/flame-graph.js';
import { Accumulator, computeTop, TopFigures } from '../analysis/top.js';
import { focusedSamples } from '../analysis/filters/name-filters.js';
import type { Profile } from '../model/profile.js';
import { FlameStructure } from '../analysis/flame-graph.js';
import { narrowStacks, PartitionInTwo, partitionShare, partitionStacks } from '../analysis/flame-partition.js';
import { buildFrameTable } from '../analysis/frames.js';
import { narrowView, viewProfile } from '../analysis/profile-view.js';

/**
 * A gzip-free pprof profile shaped like Go's allocs profiles: four sample types, a numeric
 * label per sample, inlined frames, deep recursive stacks with many distinct paths.
 * Field numbers are profile.proto's.
 */
export function syntheticProfileBytes(samples: number, depth: number): Uint8Array {
  const strings = ['', 'alloc_objects', 'count', 'alloc_space', 'bytes', 'inuse_objects', 'inuse_space', 'space', 'warmup'];
  const nFunctions = 24;
  const firstName = strings.length;
  for (let f = 0; f < nFunctions; f++) strings.push(`warmup.fn${f}`);
  const { w, message } = protoWriter();
  for (const [t, u] of [[1, 2], [3, 4], [5, 2], [6, 4]]) message(1, () => w.uint32(8).int64(t).uint32(16).int64(u));
  let x = 0x9e3779b9;
  const random = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let s = 0; s < samples; s++) {
    message(2, () => {
      w.uint32(10).fork();
      for (let d = 0; d < depth; d++) w.uint64(1 + ((random() % 4) + d * 4) % (nFunctions * 2));
      w.ldelim();
      const n = 1 + (random() % 50);
      w.uint32(18).fork().int64(n).int64(n * 64).int64(0).int64(0).ldelim();
      message(3, () => w.uint32(8).int64(4).uint32(24).int64(64));
    });
  }
  // Locations: two per function, every other one with an inlined callee.
  for (let l = 1; l <= nFunctions * 2; l++) {
    message(4, () => {
      w.uint32(8).uint64(l).uint32(24).uint64(0x401000 + l * 16);
      if (l % 2 === 0) message(4, () => w.uint32(8).uint64(1 + ((l + 1) % nFunctions)).uint32(16).int64(l));
      message(4, () => w.uint32(8).uint64(1 + (l % nFunctions)).uint32(16).int64(l + 1));
    });
  }
  for (let f = 1; f <= nFunctions; f++) message(5, () => w.uint32(8).uint64(f).uint32(16).int64(firstName + f - 1));
  for (const s of strings) w.uint32(50).string(s);
  // When and how long, as a real profile has them: numbers beyond V8's small integers, so the
  // profile's fields hold doubles from the start (a real profile's first such value would
  // otherwise generalise the field and throw away every loop optimised for these profiles).
  w.uint32(72).int64(1_765_000_000_000_000_000); // time_nanos
  w.uint32(80).int64(30_000_000_000); // duration_nanos
  w.uint32(96).int64(524_288); // period
  w.uint32(112).int64(3); // default_sample_type: alloc_space
  return w.finish();
}

// Why the app's worker threads never transfer a buffer in postMessage (they copy): V8 compiles
// its optimised typed-array loops on the promise that no ArrayBuffer of the thread was ever
// detached (a protector cell). The first detach, which a transfer is, throws every such code
// object away at once (so a big filter chip used to recompile its walk, copy, figures and trie
// while it ran, about 200 ms of V8's compiler threads beside it, its first passes unoptimised),
// and the loops compiled after it check each buffer and run about a quarter slower (the big
// profile's figures 270-310 -> 360-410 ms, its first trie 600-620 -> 730-830 ms of CPU).
// Copying a few megabytes of columns costs a few milliseconds.

/** The worker's warm-up, in steps (exported for its test: every step runs). */
export function warmUpSteps(): (() => void)[] {
  const bytes = syntheticProfileBytes(4_000, 24);
  const profile = decodePprof(bytes, { sharedStacks: true });
  const work = [
    () => decodePprof(bytes, { sharedStacks: true }),
    () => summarizeProfile(profile),
    () => buildFlameGraph(profile, 1),
    () => computeTop(profile, 1, { nodecount: 20, nodefraction: 0.005 }),
    // A view's first flame graph (the partial trie; also as the helper sends it: a structured clone) and every type's top table at once.
    () => new FlameStructure(profile, false, 1e-4).graph(1),
    () => new FlameStructure(profile, false, 1e-4, structuredClone(partitionStacks(profile, buildFrameTable(profile, { showAddresses: true }), false, 1e-4))).graph(1),
    () => new TopFigures(profile).top(1, { nodecount: 100, nodefraction: 0.005 }),
    // A focus chip: its view with its top figures made in the walk, which reads only what the
    // plain view's trie does not know of the stacks (as the worker makes them), its top table, its
    // trie made from the plain view's (profile-view.ts narrowView, FlameStructure's NarrowedFrom)
    // here and as the helper sends it, then its inverted trie.
    () => {
      const topFrames = buildFrameTable(profile, { showAddresses: false });
      const figures = new Accumulator(topFrames, profile.sampleTypes.map((_, t) => t));
      const parent = new FlameStructure(profile, false, 1e-2);
      const walk = (p: Profile, mark: Uint8Array): Uint8Array => focusedSamples(p, mark, { into: figures, values: p.values, nTypes: p.sampleTypes.length }, parent.knownPrefixes(mark, topFrames) ?? undefined);
      const { view, kept } = narrowView(viewProfile({ sources: [profile] }), { focus: 'fn1$' }, walk);
      new TopFigures(view.profile, { frames: topFrames, figures }).top(1, { nodecount: 100, nodefraction: 0.005 });
      new FlameStructure(view.profile, false, 1e-3, { parent, kept }).graph(1);
      const frames = buildFrameTable(view.profile, { showAddresses: true });
      const up = parent.narrowable(view.profile, frames, false, kept);
      if (up) new FlameStructure(view.profile, false, 1e-3, structuredClone(narrowStacks(up, view.profile, frames, false, kept, 1e-3))).graph(1);
      new FlameStructure(view.profile, true, 1e-4).graph(1);
    },
    // A big view's trie partitioned with the helper (PartitionInTwo: a chip's inverted trie; the
    // helper's share done here, and cloned as it is sent), and forward: a share of the helper's
    // first trie as this thread takes it (app-helper.ts makeShare). A share always comes in a
    // message: warmed up on the very object, the share's code met the clone's other shapes in the
    // app's first share and was thrown away mid-open ('wrong map').
    () => {
      for (const inverted of [true, false]) {
        const two = new PartitionInTwo(profile, buildFrameTable(profile, { showAddresses: true }), inverted, 1e-4);
        const share = two.share && structuredClone(partitionShare(structuredClone(two.share)));
        two.own();
        new FlameStructure(profile, inverted, 1e-4, two.finish(share)).graph(1);
      }
    },
    // A big view's inverted trie, made a level at a time (flame-levels.ts: those of 65,536+ samples).
    () => new FlameStructure(profile, true, 1e-4, levelStacks(profile, buildFrameTable(profile, { showAddresses: true }), 1e-4)!).graph(1),
  ];
  return [...work, ...work, ...work];
}

/**
 * Runs a thread's warm-up (the worker's: warmUpSteps; the app helper's: app-helper.ts
 * helperWarmUpSteps) one step per macrotask whenever no request has come for `quietMs`, until
 * every step has run once; a real request therefore waits for at most one step. `onDone`: called
 * once they all have (not after a step that threw).
 */
export function warmUpWhenIdle(lastRequestAt: () => number, quietMs = 150, steps: () => (() => void)[] = warmUpSteps, onDone?: () => void): void {
  let queue: (() => void)[] | null = null;
  const next = (): void => {
    const quietFor = Date.now() - lastRequestAt();
    if (quietFor < quietMs) {
      setTimeout(next, quietMs - quietFor).unref();
      return;
    }
    try {
      queue ??= steps();
      const step = queue.shift();
      if (!step) {
        onDone?.();
        return;
      }
      step();
    } catch {
      return; // warming up is an optimisation: never let it take the thread down
    }
    setImmediate(next);
  };
  setTimeout(next, 0).unref();
}
