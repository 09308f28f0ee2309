// Worker thread: decodes profiles and builds flame graphs and top tables off the main thread,
// keeping the last few decoded profiles so switching sample type does not decode again.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { decodeProfileBytes } from '../formats/decode-profile.js';
import { pruneDroppedFrames } from '../analysis/prune-frames.js';
import { FormatError } from '../formats/format-error.js';
import type { Profile } from '../model/profile.js';
import type { FlameGraph } from '../analysis/flame-graph.js';
import { summarizeProfile } from '../analysis/profile-summary.js';
import { flameGraphOf, resolveSampleType, topOf } from '../analysis/profile-ops.js';
import { keyOrder, plannedRecordKeys, recordKeys } from '../analysis/stack-order.js';
import { FlameStructure, type NarrowedFrom } from '../analysis/flame-graph.js';
import { PartitionInTwo, stackColumns, type PartitionedStacks } from '../analysis/flame-partition.js';
import { byLevels, LevelsInTwo } from '../analysis/flame-levels.js';
import { TopFigures, type Accumulator } from '../analysis/top.js';
import { callTreeOf, diffTableOf, exportOf, sandwichOf } from '../analysis/view-ops.js';
import { addressesOf, peekOf, sourceListOf } from '../analysis/source/source-ops.js';
import { callGraphOf } from '../analysis/graph/graph-ops.js';
import { GpwError, errorBody } from '../api/errors.js';
import type { ProfileSource, ReadFileResult, ViewSpec, WorkerProgress, WorkerReply, WorkerRequest, WorkerThreads } from './profile-worker-protocol.js';
import { decodeProfileFile } from './profile-file.js';
import { narrowedFrom, narrowView, viewProfile, type ProfileView } from '../analysis/profile-view.js';
import { focusedSamples, type KnownPrefixes } from '../analysis/filters/name-filters.js';
import { encodePprof } from '../formats/pprof/encode-pprof.js';
import { functionStatsOf } from '../analysis/runs/function-stats.js';
import { useLinearRegexpFallback } from './linear-regexp.js';
import { ScanBlockError, ScanFrames, ScannedProfile, scanClaimed, type ScanPart } from '../analysis/profile-scan.js';
import { blockCountsOf, checkSampleCounts, countClaimedBlocks, decodeClaimedBlocks, gzipSizeHint, isGzip, profileOfBlocks, reorderedTable, sampleBlocksOfCounts, scanPprof, scanSampleTable, type PprofScan } from '../formats/pprof/decode-pprof.js';
import { gunzipShared } from './shared-gunzip.js';
import { ScanHelper, SCAN_HELPER_ROLE, serveScanHelper } from './scan-helper.js';
import { receiveReadAhead, type ReadAheadData } from './read-ahead.js';
import { detectFormat, DETECT_HEAD_BYTES } from '../formats/detect-format.js';
import { timingLine, timingOn } from '../timing-log.js';
import { warmUpWhenIdle } from './warm-up.js';
import { buildFrameTable, type FrameTable } from '../analysis/frames.js';
import { addWalkFigures, AppHelper, APP_HELPER_ROLE, helpFlags, offerHelp, serveAppHelper, threadCpuMs, walkAccumulator, walkBlock, walkClaimedBlocks, walkFigures, type HelperResult, type MarkedWalkJob } from './app-helper.js';

const CACHE_SIZE = 4;
const cache = new Map<string, Profile>();
/** The last few views (merges, diffs, filters), so a flame graph and a top table of one view build it once. */
const VIEW_CACHE_SIZE = 3;
const views = new Map<string, ProfileView>();

class MissingProfiles extends Error {
  constructor(readonly hashes: string[]) {
    super('missing profiles');
  }
}

/** A source that does not decode: the engine names its file in the message. */
class SourceFormatError extends Error {
  constructor(
    readonly sha256: string,
    message: string,
  ) {
    super(message);
  }
}

function touch<V>(map: Map<string, V>, key: string, value: V, size: number): V {
  map.delete(key);
  map.set(key, value);
  while (map.size > size) map.delete(map.keys().next().value as string);
  return value;
}

/** The decoded profiles of these sources; all that are neither cached nor sent are reported at once. */
function profilesFor(sources: ProfileSource[]): Profile[] {
  const missing = sources.filter((s) => !s.bytes && !s.path && !cache.has(s.sha256)).map((s) => s.sha256);
  if (missing.length > 0) throw new MissingProfiles([...new Set(missing)]);
  // Take every cached one before decoding any other: a decode may push a needed one out of the cache.
  const held = sources.map((s) => cache.get(s.sha256));
  const decoded = new Map<string, Profile>();
  const profiles = sources.map((source, i) => held[i] ?? decoded.get(source.sha256) ?? decodeSource(source, decoded));
  sources.forEach((s, i) => touch(cache, s.sha256, profiles[i], CACHE_SIZE));
  return profiles;
}

function decodeSource(source: ProfileSource, decoded: Map<string, Profile>): Profile {
  // A big profile opened without an import in this process (from the library): the helper thread
  // starts now, its start-up overlapping this decode, to share the profile's tries and chips.
  if (appHelperWanted && source.bytes && bigData(source.bytes)) appHelper();
  try {
    // As pprof does on load: the profile's own drop_frames/keep_frames apply to every view.
    // The app keeps the stack columns in shared memory: its first flame trie is made on the helper thread.
    const profile = pruneDroppedFrames(source.bytes ? decodeProfileBytes(source.bytes, { sharedStacks: appHelperWanted }) : decodeProfileFile(source.path!).profile);
    decoded.set(source.sha256, profile);
    return profile;
  } catch (err) {
    if (err instanceof FormatError) throw new SourceFormatError(source.sha256, err.message);
    throw err;
  }
}

/**
 * Each view's flame graph tries for every sample type (forward, inverted), so a sample-type
 * switch re-weighs a trie instead of walking every stack again. Tries of more than
 * STRUCTURE_MAX_NODES nodes are used once and not kept (memory); they go with their view.
 */
const STRUCTURE_MAX_NODES = 8_000_000;
const structures = new WeakMap<ProfileView, Map<boolean, FlameStructure>>();
/**
 * Views of profiles with more frames than this in all their stacks together build only the part
 * of the trie that can be drawn: nodes at least FLAME_MIN_SHARE of the total in some sample
 * type (1/10,000: under a pixel even zoomed in a hundredfold on a wide screen).
 */
const PARTIAL_TRIE_MIN_FRAMES = 1_000_000;
const FLAME_MIN_SHARE = 1e-4;

function flameOf(view: ProfileView, sampleType: string | undefined, inverted: boolean, maxNodes: number | undefined): FlameGraph {
  const typeIndex = resolveSampleType(view.profile, sampleType);
  return structureOf(view, inverted).graph(typeIndex, { maxNodes });
}

function structureOf(view: ProfileView, inverted: boolean): FlameStructure {
  return structures.get(view)?.get(inverted) ?? keepStructure(view, new FlameStructure(view.profile, inverted, minShareOf(view), narrowedTrie(view, inverted)));
}

function minShareOf(view: ProfileView): number {
  return minShareFor(view.profile.sampleLocs.length);
}

/** The minShare of a view whose stacks hold `frames` locations in all. */
function minShareFor(frames: number): number {
  return frames > PARTIAL_TRIE_MIN_FRAMES ? FLAME_MIN_SHARE : 0;
}

function keepStructure(view: ProfileView, structure: FlameStructure): FlameStructure {
  if (structure.size <= STRUCTURE_MAX_NODES) {
    let kept = structures.get(view);
    if (!kept) structures.set(view, (kept = new Map()));
    kept.set(structure.inverted, structure);
    // A big view's graph was asked for: its inverted trie is made ahead, once the app is idle.
    if (!structure.inverted && structure.minShare > 0 && !narrowedViews.has(view)) invertAheadFor(view);
  }
  return structure;
}

/**
 * The inverted trie of the last big view (not a chip) whose flame graph was made, made on the
 * helper thread once no request has come for INVERT_AHEAD_QUIET_MS: a big profile's inverted
 * graph takes a second of CPU or more (1.6M samples: ~1 s on one thread), so a click on the
 * inverted tab a little after the view opened finds it made (and a chip's inverted trie is then
 * narrowed from it). Any job the helper is sent meanwhile stops it (AppHelper.trieAhead): it is
 * started again at the next quiet spell. The inverted graph asked for while it is being made waits for it.
 */
const INVERT_AHEAD_QUIET_MS = 1000;
let invertAhead: WeakRef<ProfileView> | null = null;
let invertAheadTimer: ReturnType<typeof setTimeout> | null = null;

function invertedAheadState(): WorkerThreads['invertedAhead'] {
  const view = invertAhead?.deref();
  if (!view) return 'none';
  return structures.get(view)?.has(true) ? 'made' : appHelperThread?.aheadInHand ? 'making' : 'none';
}

function invertAheadFor(view: ProfileView): void {
  if (!appHelperWanted) return;
  invertAhead = new WeakRef(view);
  if (invertAheadTimer === null) invertAheadTimer = setTimeout(tryInvertAhead, INVERT_AHEAD_QUIET_MS).unref();
}

function tryInvertAhead(): void {
  invertAheadTimer = null;
  const view = invertAhead?.deref();
  if (!view || structures.get(view)?.has(true)) return;
  const helper = appHelperThread;
  const quietFor = Date.now() - lastRequestAt;
  const forward = structures.get(view)?.get(false);
  if (!helper || helper.state === 'failed' || !forward || !(view.profile.sampleLocs.buffer instanceof SharedArrayBuffer)) return;
  if (quietFor < INVERT_AHEAD_QUIET_MS || !helper.idle || helperTries.get(view)?.has(true)) {
    invertAheadTimer = setTimeout(tryInvertAhead, Math.max(INVERT_AHEAD_QUIET_MS - quietFor, 50)).unref();
    return;
  }
  const { profile } = view;
  const { minShare } = forward;
  const made = helper.trieAhead({ stacks: stackColumns(profile), frames: forward.frameTable, inverted: true, minShare }).then((r) => {
    if (!r.value) throw new Error('the inverted trie made ahead was stopped');
    if (timingOn) timingLine(`worker inverted trie, ahead on the helper: ${r.ms.toFixed(0)} ms (its thread's CPU ${r.cpuMs.toFixed(0)} ms)`);
    return keepStructure(view, new FlameStructure(profile, true, minShare, r.value));
  });
  pendingTrie(view, true, made);
  // Stopped (or failed): tried again at the next quiet spell, while it is still the last big view.
  made.catch(() => {
    if (invertAhead?.deref() === view && invertAheadTimer === null) invertAheadTimer = setTimeout(tryInvertAhead, INVERT_AHEAD_QUIET_MS).unref();
  });
}

/** A narrowed view's (narrowedViewFor) way to its trie: its parent view's, when that one is kept. */
function narrowedTrie(view: ProfileView, inverted: boolean): NarrowedFrom | undefined {
  const from = narrowedViews.get(view);
  const parent = from && structures.get(from.parent)?.get(inverted);
  return parent && { parent, kept: from.kept };
}

/**
 * The app's second thread (app-helper.ts), which decodes half of a big import and makes its
 * first flame trie while this one makes its function figures and first top table, and shares a
 * big view's chips and inverted tries with this one. Started at the first big profile (its
 * start-up and warm-up overlap that file's gunzip, or its decode from the library), not with the app:
 * a thread holds about 30 MiB, which a session of small profiles and traces need not pay. None
 * in a process that shows no views (the CLI) nor in the helper threads themselves.
 */
const appHelperWanted = workerData?.warmUp === true && workerData?.role === undefined;
let appHelperThread: AppHelper | undefined;

function appHelper(): AppHelper {
  if (!appHelperThread) {
    appHelperThread = new AppHelper(new URL(import.meta.url));
    // Free again after a share of the helper's trie: another share may be taken.
    appHelperThread.shareMade = () => {
      sharesMade++;
      helpWhenFree();
    };
  }
  return appHelperThread;
}
/** Forward tries of plain views being made on the helper (until they are kept in `structures`). */
const helperStructures = new WeakMap<ProfileView, Promise<FlameStructure>>();

/**
 * Right after the app's import of a big profile is decoded (its summary), the trie of its first
 * flame graph (the plain view, forward) is made on the helper thread, while this one answers the
 * import's function figures and the view's first top table. Only profiles whose trie is partial
 * (the others are quick to build here, after the figures: prebuildFirstFlame).
 */
function startFirstFlameOnHelper(sha256: string): void {
  if (!appHelperWanted || !cache.has(sha256)) return;
  try {
    const view = viewFor({ sources: [{ sha256 }], base: [], filters: {} });
    const { profile } = view;
    const minShare = minShareOf(view);
    if (!FlameStructure.fits(profile) || minShare === 0 || structures.get(view)?.has(false) || helperStructures.has(view)) return;
    const frames = buildFrameTable(profile, { showAddresses: true });
    // This thread takes a share of the trie once its own requests are answered (helpWhenFree).
    const help = helpFlags();
    const made = appHelper().trie({ stacks: stackColumns(profile), frames, inverted: false, minShare, help, inOrder: inTrieOrder.has(profile) }).then((r) => {
      if (timingOn) timingLine(`worker first flame's trie, on the helper: ${r.ms.toFixed(0)} ms (its thread's CPU ${r.cpuMs.toFixed(0)} ms), ${sharesMade} of its shares made here`);
      return keepStructure(view, new FlameStructure(profile, false, minShare, r.value));
    });
    helperStructures.set(view, made);
    helpWanted = help;
    firstFlameAsked = false;
    sharesMade = 0;
    made
      .catch(() => undefined)
      .finally(() => {
        helperStructures.delete(view);
        if (helpWanted === help) helpWanted = null;
      });
  } catch {
    // Only a head start: the view's own request builds the trie, and reports any error.
  }
}

/** The flags of the helper's trie this thread offers to take a share of once it is free (startFirstFlameOnHelper). */
let helpWanted: Int32Array | null = null;
/** Requests taken and not yet answered (those answered off the queue count as answered). */
let inHand = 0;
/** When the last request was answered (Date.now()). */
let lastAnsweredAt = 0;
/** Shares of the helper's trie made here (timing lines). */
let sharesMade = 0;

/**
 * Once no request is in hand and none has come or been answered for HELP_QUIET_MS, this thread
 * offers the helper its help. The quiet spell lets the import's next request (its figures) and
 * the first view's (its top table, whose inline labels walk the stacks: ~140 ms on the bench's
 * profile) be taken first: offered at once (20 ms), the bench's open was 100–150 ms slower, as
 * the top table, then the trie's answer, waited behind the share. With 150 ms it is within noise
 * of no help there, and a runtime-written profile still opens ~150–300 ms sooner (interleaved runs).
 */
function helpWhenFree(): void {
  if (helpWanted === null || inHand > 0 || helpTimer) return;
  if (firstFlameAsked || Date.now() - Math.max(lastRequestAt, lastAnsweredAt) >= HELP_QUIET_MS) {
    offerHelp(helpWanted);
    return;
  }
  helpTimer = setTimeout(() => {
    helpTimer = undefined;
    helpWhenFree();
  }, HELP_QUIET_MS);
}
let helpTimer: ReturnType<typeof setTimeout> | undefined;
const HELP_QUIET_MS = 150;
/**
 * The view's flame graph, which waits for the helper's first trie, has been asked for: the page's
 * first requests (the view's top table comes with it) are in, so help is offered as soon as no
 * request is in hand, without the quiet spell.
 */
let firstFlameAsked = false;

/**
 * A flame graph whose trie the helper is making (a plain view's first, or a filter chip's:
 * narrowOnHelper): answered when it is made (or, should the helper fail, built here then),
 * without holding up the requests behind it (offQueue).
 */
function flameFromHelper(req: Extract<WorkerRequest, { op: 'flame' }>): Promise<FlameGraph> | undefined {
  if (req.view.base.length > 0) return undefined;
  const inverted = req.inverted === true;
  const view = viewFor(req.view, { inverted });
  const typeIndex = resolveSampleType(view.profile, req.sampleType);
  const first = inverted ? undefined : helperStructures.get(view);
  if (first) firstFlameAsked = true;
  const made = first ?? narrowOnHelper(view, inverted) ?? partitionInTwo(view, inverted);
  if (!made) return undefined;
  const answer = made.then(
    (structure) => structure.graph(typeIndex, { maxNodes: req.maxNodes }),
    () => flameOf(view, req.sampleType, inverted, req.maxNodes),
  );
  offQueue.add(answer);
  return answer;
}

/** Tries (forward and inverted) of filter chips and big views being made with the helper (until they are kept in `structures`). */
const helperTries = new WeakMap<ProfileView, Map<boolean, Promise<FlameStructure>>>();

function pendingTrie(view: ProfileView, inverted: boolean, made: Promise<FlameStructure>): Promise<FlameStructure> {
  let mine = helperTries.get(view);
  if (!mine) helperTries.set(view, (mine = new Map()));
  const waiting = mine;
  waiting.set(inverted, made);
  made.catch(() => undefined).finally(() => waiting.delete(inverted));
  return made;
}

/**
 * A big filter chip's trie, made on the helper from the trie of the view it narrows (the
 * parent's trie and stacks go there: narrowFromParent; the trie's columns come back), so that
 * this thread answers the chip's top table meanwhile: the page asks for both at once. The one
 * started as the chip's view was made (narrowedViewFor), when there is one. Undefined when it is
 * made here (see narrowFromParent), for a view that is no chip, or one whose trie is made already.
 */
function narrowOnHelper(view: ProfileView, inverted: boolean): Promise<FlameStructure> | undefined {
  const pending = helperTries.get(view)?.get(inverted);
  if (pending) return pending;
  if (!appHelperWanted || !FlameStructure.fits(view.profile) || structures.get(view)?.has(inverted)) return undefined;
  const from = narrowedViews.get(view);
  const made = from && narrowFromParent(from.parent, from.kept, inverted, view.profile.sampleLocs.length);
  return made && keepNarrowed(view, inverted, made);
}

/**
 * A chip's trie made on the helper from the trie of the view it narrows (`parent`'s, kept), its
 * stacks the parent's samples `kept` (the parent's shared columns: the helper makes the chip's
 * from them, keptStacks, so this needs not wait for the chip's own copy); `frames`: how many
 * locations those stacks hold. Undefined when it is made here: no helper started (it starts at the
 * first big import) or one busy with another job, no parent trie kept, a whole trie (quick to make),
 * or stacks not in shared memory.
 */
function narrowFromParent(parent: ProfileView, kept: Int32Array, inverted: boolean, frames: number): { made: Promise<HelperResult<PartitionedStacks>>; minShare: number } | undefined {
  const trie = structures.get(parent)?.get(inverted);
  const { profile } = parent;
  const minShare = minShareFor(frames);
  const shared = [profile.sampleLocs, profile.sampleLocStart, profile.values].every((a) => a.buffer instanceof SharedArrayBuffer);
  // A helper not started yet (its start-up), or busy with another job (an import's decode or first trie), would make the chip wait.
  if (!trie || minShare === 0 || !shared || appHelperThread?.idle !== true) return undefined;
  const frameTable = trie.frameTable;
  const up = trie.narrowable({ sampleCount: kept.length }, frameTable, inverted, kept);
  if (!up) return undefined;
  const made = appHelper().narrow({ up, stacks: stackColumns(profile), frames: frameTable, inverted, kept, minShare });
  // Handled here too: the view it is for is made after it is sent (keepNarrowed), and may fail.
  made.catch(() => undefined);
  return { made, minShare };
}

/** A chip's trie the helper makes (narrowFromParent), kept with the chip's view once made. */
function keepNarrowed(view: ProfileView, inverted: boolean, from: { made: Promise<HelperResult<PartitionedStacks>>; minShare: number }): Promise<FlameStructure> {
  const made = from.made.then((r) => {
    if (timingOn) timingLine(`worker chip's trie, on the helper: ${r.ms.toFixed(0)} ms (its thread's CPU ${r.cpuMs.toFixed(0)} ms)`);
    return keepStructure(view, new FlameStructure(view.profile, inverted, from.minShare, r.value));
  });
  return pendingTrie(view, inverted, made);
}

/**
 * A big view's trie with no trie to narrow (a chip's inverted graph when its parent view never
 * showed one, a plain view's inverted graph) partitioned by this thread and the helper together
 * (PartitionInTwo: the root's groups split between them), when the helper is started and idle and
 * the stacks are in shared memory. Undefined when it is made here alone.
 */
function partitionInTwo(view: ProfileView, inverted: boolean): Promise<FlameStructure> | undefined {
  const { profile } = view;
  if (!appHelperWanted || !FlameStructure.fits(profile) || structures.get(view)?.has(inverted) || narrowedTrie(view, inverted)) return undefined;
  const minShare = minShareOf(view);
  const helper = appHelperThread;
  if (minShare === 0 || !(profile.sampleLocs.buffer instanceof SharedArrayBuffer) || helper?.idle !== true) return undefined;
  // A plain view's inverted trie a level at a time; a chip's partitioned (measured: the bench's
  // focus chip, 280K samples, ~65 ms in two by the partition, ~180 ms a level at a time).
  if (byLevels(inverted, profile.sampleCount) && !narrowedViews.has(view)) return levelsInTwo(view, helper, minShare);
  const two = new PartitionInTwo(profile, buildFrameTable(profile, { showAddresses: true }), inverted, minShare);
  const made = (share: ReturnType<PartitionInTwo['finish']>) => keepStructure(view, new FlameStructure(profile, inverted, minShare, share));
  if (!two.share) return Promise.resolve(made(two.finish(null)));
  const theirs = helper.partitionShare(two.share);
  const t0 = performance.now();
  two.own();
  const ownMs = performance.now() - t0;
  return pendingTrie(
    view,
    inverted,
    theirs.then(
      (r) => {
        if (timingOn) timingLine(`worker trie in two threads: ${ownMs.toFixed(0)} ms here, ${r.ms.toFixed(0)} ms on the helper (its thread's CPU ${r.cpuMs.toFixed(0)} ms)`);
        return made(two.finish(r.value));
      },
      () => made(two.finish(null)),
    ),
  );
}

/**
 * A big view's inverted trie made a level at a time by this thread and the helper (flame-levels.ts
 * LevelsInTwo: each walks half of the samples; this one makes the nodes). Undefined when it could
 * not be (the helper failed or went quiet): then it is made here alone.
 */
function levelsInTwo(view: ProfileView, helper: AppHelper, minShare: number): Promise<FlameStructure> | undefined {
  const { profile } = view;
  const two = new LevelsInTwo(profile, buildFrameTable(profile, { showAddresses: true }), minShare);
  const t0 = performance.now();
  helper.levelShare(two.share).catch(() => undefined);
  try {
    const made = two.own();
    if (timingOn) timingLine(`worker inverted trie a level at a time in two threads: ${(performance.now() - t0).toFixed(0)} ms`);
    return Promise.resolve(keepStructure(view, new FlameStructure(profile, true, minShare, made)));
  } catch {
    return undefined;
  }
}

/** A gzipped pprof file whose data is at least this big (by its trailer) is decoded by the app's two threads. */
const PARALLEL_DECODE_MIN_BYTES = 4 * 2 ** 20;

function bigData(bytes: Uint8Array): boolean {
  return (isGzip(bytes) ? gzipSizeHint(bytes) : bytes.length) >= PARALLEL_DECODE_MIN_BYTES;
}

/**
 * The app's import of a big gzipped pprof file: decoded by this thread and the helper, each
 * taking blocks of samples in turn (decodeClaimedBlocks) into columns in shared memory, and kept
 * as profilesFor would keep it. Anything short of a whole decode (bad input, a helper that
 * cannot run) leaves it to profilesFor, which decodes on this thread and words any error.
 */
async function decodeInTwo(source: ProfileSource): Promise<void> {
  const { bytes } = source;
  if (!appHelperWanted || !bytes || cache.has(source.sha256) || !isGzip(bytes) || gzipSizeHint(bytes) < PARALLEL_DECODE_MIN_BYTES) return;
  if (detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES)).format !== 'pprof') return;
  try {
    const t0 = performance.now();
    const helper = appHelper();
    const located = scanPprof(await gunzipShared(bytes));
    const locatedMs = performance.now() - t0;
    if (located.sampleCount < PARALLEL_SCAN_MIN_SAMPLES) return;
    let { table } = located;
    // Records not grouped the way the first flame trie groups them are keyed as they are counted,
    // and decoded in that order (stack-order.ts: the trie then needs no copy of them).
    const keys = plannedRecordKeys(table);
    const keyed = keys ? recordKeys(keys) : undefined;
    // Each block's size counted by both threads (claimed in turn), then decoded by both.
    let counts = blockCountsOf(table);
    const theirCount = helper.count({ table, counts, keys: keys ?? undefined }).catch(() => null);
    // The helper still counts a block when not all are counted here: its answer says when it is done.
    if (!countClaimedBlocks(table, counts, keyed) && (await theirCount)?.value !== true) return;
    if (keyed) ({ table, counts } = reorderedTable(table, keyOrder(keyed.key), keyed));
    const blocks = sampleBlocksOfCounts(table, counts);
    const next = new Int32Array(new SharedArrayBuffer(4));
    const theirs = helper.decode({ table, blocks, next }).catch(() => null);
    const own = decodeClaimedBlocks(table, blocks, next);
    const nBlocks = blocks.locBase.length - 1;
    // The helper decoded nothing (it came too late to claim a block): its answer is not waited for.
    const rest = 'decoded' in own && own.decoded === nBlocks ? null : await theirs;
    const whole = 'decoded' in own && (rest === null ? own.decoded === nBlocks : 'decoded' in rest.value && own.decoded + rest.value.decoded === nBlocks);
    if (timingOn) timingLine(`worker decode in two threads: ${(performance.now() - t0).toFixed(0)} ms (gunzipped and located in ${locatedMs.toFixed(0)} ms; blocks: ${'decoded' in own ? own.decoded : 'stopped'} here, ${rest ? ('decoded' in rest.value ? rest.value.decoded : 'stopped') + ` on the helper, its CPU ${rest.cpuMs.toFixed(0)} ms` : 'none on the helper'}${keys ? '; in the flame trie\'s order' : ''})`);
    if (!whole) return;
    const profile = touch(cache, source.sha256, pruneDroppedFrames(profileOfBlocks(located.skeleton, blocks)), CACHE_SIZE);
    // Decoded in the forward trie's order, or in its own where that serves as well.
    inTrieOrder.add(profile);
  } catch {
    // Bad input: profilesFor decodes it again and says what is wrong.
  }
}

/** Profiles whose samples decodeInTwo left in the forward trie's order (its keys' order, or their own where that serves: recordKeyPlan). */
const inTrieOrder = new WeakSet<Profile>();

/** Answers that wait for another thread: the worker takes its next request meanwhile. */
const offQueue = new WeakSet<Promise<unknown>>();

/**
 * After the app's import of a profile has its figures (the engine now writes the library and
 * the page opens the profile), the trie of its first flame graph (the plain view, forward) is
 * built from the profile the import decoded, so the view's first request finds it made or on its way.
 */
function prebuildFirstFlame(sha256: string): void {
  if (!cache.has(sha256)) return;
  try {
    const view = viewFor({ sources: [{ sha256 }], base: [], filters: {} });
    if (FlameStructure.fits(view.profile) && !helperStructures.has(view)) structureOf(view, false);
  } catch {
    // Only a head start: the view's own request builds it, and reports any error.
  }
}

/**
 * Each view's profile's per-function figures of every sample type (one walk of its stacks for
 * all of them): an import's function figures are those of the profile's plain view, and every
 * top table of a view after its first, whichever type it asks for, reads them.
 */
const topFigures = new WeakMap<Profile, TopFigures>();

function figuresOf(profile: Profile): TopFigures {
  let figures = topFigures.get(profile);
  if (!figures) topFigures.set(profile, (figures = new TopFigures(profile)));
  return figures;
}

/** `flame`: a flame graph of the view is asked for (a chip's trie then starts on the helper as soon as its samples are chosen: narrowedViewFor). */
function viewFor(spec: ViewSpec, flame?: { inverted: boolean }): ProfileView {
  const key = JSON.stringify([spec.sources.map((s) => s.sha256), spec.base.map((s) => s.sha256), spec.filters]);
  const hit = views.get(key);
  if (hit) return touch(views, key, hit, VIEW_CACHE_SIZE);
  const view = narrowedViewFor(spec, flame) ?? viewProfile({ sources: profilesFor(spec.sources), base: profilesFor(spec.base) }, spec.filters);
  return touch(views, key, view, VIEW_CACHE_SIZE);
}

/**
 * A focus or ignore chip's view (narrowedFrom) is made from the view without it (its totals,
 * its samples), and remembers which of them it kept, so its flame graph tries are made from
 * that view's (structureOf). For a flame graph (`flame`) of a big chip whose parent's trie is
 * kept, the helper starts the chip's trie once its samples are chosen, from the parent's stacks
 * (narrowFromParent), while this thread copies them into the chip's profile (keepSamples).
 */
const narrowedViews = new WeakMap<ProfileView, { parent: ProfileView; kept: Int32Array }>();

function narrowedViewFor(spec: ViewSpec, flame?: { inverted: boolean }): ProfileView | undefined {
  const parentFilters = narrowedFrom(spec.filters);
  if (!parentFilters) return undefined;
  const parent = viewFor({ ...spec, filters: parentFilters });
  // The chip's top figures are made in its walk of the stacks (walkInTwo), unless a tag filter drops samples after it.
  const { tagfocus, tagignore } = spec.filters;
  const frames = tagfocus || tagignore ? undefined : (topFigures.get(parent.profile)?.frames ?? buildFrameTable(parent.profile, { showAddresses: false }));
  let made: { frames: FrameTable; figures: Accumulator } | undefined;
  // The parent's forward trie, when kept: only the parts of its stacks below its nodes are walked.
  const trie = structures.get(parent)?.get(false);
  let early: ReturnType<typeof narrowFromParent>;
  const walk = (profile: Profile, mark: Uint8Array): Uint8Array => {
    const figures = frames && walkAccumulator(frames, profile.sampleTypes.length).into;
    const known = trie?.knownPrefixes(mark, frames) ?? undefined;
    const { keep, figured } = walkInTwo(profile, mark, frames && figures && { frames, into: figures }, known);
    if (frames && figures && figured) made = { frames, figures };
    return keep;
  };
  const trieFirst = flame && appHelperWanted && FlameStructure.fits(parent.profile) ? (kept: Int32Array) => (early = narrowFromParent(parent, kept, flame.inverted, keptFrames(parent.profile, kept))) : undefined;
  const { view, kept } = narrowView(parent, spec.filters, walk, trieFirst);
  narrowedViews.set(view, { parent, kept });
  if (made) topFigures.set(view.profile, new TopFigures(view.profile, made));
  if (early && flame) keepNarrowed(view, flame.inverted, early);
  return view;
}

/** How many locations the stacks of a profile's samples `kept` hold. */
function keptFrames(profile: Profile, kept: Int32Array): number {
  const { sampleLocStart } = profile;
  let n = 0;
  for (let k = 0; k < kept.length; k++) n += sampleLocStart[kept[k] + 1] - sampleLocStart[kept[k]];
  return n;
}

/** A chip's walk of the stacks is shared with the helper from this many samples on (blocks of a 64th, at least 16,384). */
const SHARED_WALK_MIN_SAMPLES = 100_000;

/** How long the worker waits for the helper to finish its blocks of a chip's walk with their figures, before it walks what is left itself and adds the figures up again. */
const HELPER_WALK_WAIT_MS = 250;

/**
 * A focus or ignore chip's walk of a big view's stacks (name-filters.ts markedSamples), shared
 * with the helper thread when it is idle and the stacks are in shared memory: both take blocks in
 * turn. Else walked here alone. With `figures`, the per-function figures of the samples kept are
 * made in the same walk, each thread adding up its blocks' (app-helper.ts WalkFigures): this
 * thread then waits for the helper's last block and sums (`figured`), or, should they not come
 * within HELPER_WALK_WAIT_MS, walks the blocks the helper has not finished itself (the same
 * bytes) and answers without figures. Without figures it never waits for the helper.
 */
function walkInTwo(profile: Profile, mark: Uint8Array, figures?: { frames: FrameTable; into: Accumulator }, known?: KnownPrefixes): { keep: Uint8Array; figured: boolean } {
  const { sampleCount: count, sampleLocStart, sampleLocs, values } = profile;
  const nTypes = profile.sampleTypes.length;
  const shared = sampleLocs.buffer instanceof SharedArrayBuffer && sampleLocStart.buffer instanceof SharedArrayBuffer;
  if (!shared || count < SHARED_WALK_MIN_SAMPLES || appHelperThread?.idle !== true) {
    return { keep: focusedSamples(profile, mark, figures && { into: figures.into, values, nTypes }, known), figured: figures !== undefined };
  }
  const blockSize = Math.max(16_384, Math.ceil(count / 64));
  const nBlocks = Math.ceil(count / blockSize);
  const withFigures = figures && values.buffer instanceof SharedArrayBuffer ? figures : undefined;
  const job: MarkedWalkJob = { sampleLocStart, sampleLocs, mark, count, blockSize, keep: new Uint8Array(new SharedArrayBuffer(count)), state: new Int32Array(new SharedArrayBuffer(4 * (1 + nBlocks))), known };
  if (withFigures) {
    job.figures = walkFigures(withFigures.frames, values, nTypes, withFigures.into);
  }
  appHelperThread.walkMarked(job);
  const t0 = performance.now();
  const here = walkClaimedBlocks(job, withFigures?.into);
  if (withFigures && known?.names) withFigures.into.addPrefixes(known.names);
  // The helper claimed the other blocks: its sums come once it has walked them.
  let figured = job.figures !== undefined;
  if (job.figures && here < nBlocks) {
    Atomics.wait(job.figures.done, 0, 0, HELPER_WALK_WAIT_MS);
    if (Atomics.load(job.figures.done, 0) === 1) addWalkFigures(job.figures, withFigures!.into);
    else figured = false;
  }
  const waited = performance.now() - t0;
  let redone = 0;
  for (let b = 0; b < nBlocks; b++) {
    if (Atomics.load(job.state, 1 + b) === 1) continue;
    walkBlock(job, b);
    redone++;
  }
  if (timingOn) timingLine(`worker chip's walk of the stacks${job.figures ? ' and figures' : ''}: ${(performance.now() - t0).toFixed(0)} ms (blocks: ${here} here, ${nBlocks - here - redone} on the helper, ${redone} the helper had not finished walked here too${job.figures ? `; ${figured ? `the helper's figures after ${waited.toFixed(0)} ms` : 'no figures: made again from the kept stacks'}` : ''})`);
  return { keep: job.keep, figured };
}

/** An import's file: read in chunks, kept under `key` until its SHA-256 is known (op `keep`). */
function readFile(path: string, key: string, onProgress: (done: number, total: number) => void): ReadFileResult {
  const { profile: decoded, size } = decodeProfileFile(path, { onProgress });
  const profile = pruneDroppedFrames(decoded);
  touch(cache, key, profile, CACHE_SIZE);
  return { size, summary: summarizeProfile(profile), functionStats: functionStatsOf(profile, figuresOf(profile)) };
}

function keep(key: string, sha256: string | null): null {
  const profile = cache.get(key);
  cache.delete(key);
  if (profile && sha256) touch(cache, sha256, profile, CACHE_SIZE);
  return null;
}

/**
 * Profiles an import scanned without decoding their samples into columns (a process that shows
 * no views: the CLI), with their summary, function figures and top tables; the last one only.
 */
const scanned = new Map<string, ScannedProfile>();
const scanOnImport = workerData?.warmUp !== true;

/**
 * A gzipped pprof file whose data is at least this big (by its trailer) is scanned by two
 * threads: this one and a helper (scan-helper.ts), each over half the samples.
 */
const PARALLEL_SCAN_MIN_BYTES = 32 * 2 ** 20;
/** And only when it has this many samples (fewer are quicker walked than a thread is started). */
const PARALLEL_SCAN_MIN_SAMPLES = 100_000;

/** A pprof file scanned for its import, or undefined when it must be decoded (not pprof, or its view differs from the plain figures). */
async function scanForImport(source: ProfileSource): Promise<ScannedProfile | undefined> {
  if (!scanOnImport || !source.bytes || cache.has(source.sha256)) return undefined;
  try {
    const profile = await (claimReadAhead(source.bytes) ?? scanBytes(source.bytes));
    return profile && touch(scanned, source.sha256, profile, 1);
  } catch (err) {
    if (err instanceof FormatError) throw new SourceFormatError(source.sha256, err.message);
    throw err;
  }
}

/**
 * The scan of a pprof file's bytes (bad input: the decoder's FormatError); undefined when they
 * must be decoded. `ahead`: their data in shared memory (and their samples located) as another
 * thread makes them (null: it could not, so it is done here, which words the error).
 */
async function scanBytes(bytes: Uint8Array, ahead?: Promise<ReadAheadData | null>): Promise<ScannedProfile | undefined> {
  if (detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES)).format !== 'pprof') return undefined;
  // Started first, so that its start-up overlaps the gunzip.
  const helper = bytes.length > 0 && isGzip(bytes) && gzipSizeHint(bytes) >= PARALLEL_SCAN_MIN_BYTES ? new ScanHelper(new URL(import.meta.url)) : undefined;
  try {
    const made = await ahead;
    const samples = made?.located ? scanSampleTable(made.located.skeleton, made.located.table) : scanPprof(made?.data ?? (helper ? await gunzipShared(bytes) : bytes));
    if (!ScannedProfile.fits(samples.skeleton)) return undefined;
    return helper && samples.sampleCount >= PARALLEL_SCAN_MIN_SAMPLES ? await scanInTwo(samples, helper) : new ScannedProfile(samples);
  } finally {
    helper?.close();
  }
}

/**
 * The scan of the file gpw import read ahead (cli/entry.ts: workerData.readAhead), started as
 * this worker starts, while the engine still loads; the import's summarize of the same bytes
 * takes it (once). Bytes no request claims cost only this scan.
 */
let readAhead: { bytes: Uint8Array; scan: Promise<ScannedProfile | undefined> } | null = null;

function startReadAhead(bytes: Uint8Array, data: MessagePort | undefined): void {
  const t0 = performance.now();
  // The entry gunzips the bytes while this worker starts up, and this thread locates their samples as they arrive (read-ahead.ts).
  const ahead = data && receiveReadAhead(data);
  let by = 'here';
  void ahead?.then((m) => (by = m?.located ? 'by the entry, samples located as they came' : m ? 'by the entry' : 'here'));
  const scan = scanBytes(bytes, ahead);
  // Its error is the summarize's to report; unclaimed, it is nobody's.
  scan.then(
    (p) => timingOn && timingLine(`worker read-ahead scan: ${(performance.now() - t0).toFixed(0)} ms (${p ? 'scanned' : 'to be decoded'}; gunzipped ${by})`),
    () => undefined,
  );
  readAhead = { bytes, scan };
}

function claimReadAhead(bytes: Uint8Array): Promise<ScannedProfile | undefined> | undefined {
  const ahead = readAhead;
  if (!ahead || ahead.bytes.length !== bytes.length || Buffer.compare(ahead.bytes, bytes) !== 0) return undefined;
  readAhead = null;
  return ahead.scan;
}

/**
 * The samples walked here and by the helper, each taking blocks in turn (scanClaimed). A helper
 * that cannot run (not bad input) leaves the whole walk to this thread; bad input is the
 * earliest failing block's error, the first in the file.
 */
async function scanInTwo(whole: PprofScan, helper: ScanHelper): Promise<ScannedProfile> {
  const { skeleton } = whole;
  const table = { ...whole.table, sStart: shared(whole.table.sStart), sEnd: shared(whole.table.sEnd) };
  const samples = scanSampleTable(skeleton, table);
  const frames = new ScanFrames(skeleton);
  const sampleBits = frames.locBits ? new Uint16Array(new SharedArrayBuffer(2 * samples.sampleCount)) : null;
  const next = new Int32Array(new SharedArrayBuffer(4));
  const theirs = helper.run({ skeleton, table, next, sampleBits }).then(
    (part) => ({ part, failure: undefined }),
    (failure: unknown) => ({ part: undefined, failure }),
  );
  let own: ScanPart | undefined;
  let ownFailure: unknown;
  try {
    own = scanClaimed(samples, frames, sampleBits, next);
  } catch (err) {
    ownFailure = err;
  }
  // The helper walked nothing (it started too late to claim a block): its answer is not waited for.
  const rest = own?.samples === samples.sampleCount ? { part: undefined, failure: undefined } : await theirs;
  if (rest.failure !== undefined && !(rest.failure instanceof ScanBlockError)) return new ScannedProfile(whole);
  const failures = [ownFailure, rest.failure].filter((f): f is ScanBlockError => f instanceof ScanBlockError).sort((a, b) => a.at - b.at);
  if (failures.length > 0) throw failures[0].cause;
  const parts = rest.part ? [own!, rest.part] : [own!];
  checkSampleCounts(parts.reduce((c, p) => ({ locations: c.locations + p.counts.locations, labels: c.labels + p.counts.labels }), { locations: 0, labels: 0 }), table.sStart[0]);
  return new ScannedProfile(samples, { frames, parts, sampleBits });
}

function shared(a: Uint32Array): Uint32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new Uint32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** The scanned profile a top request reads, when it asks for the plain view of that one profile. */
function scannedView(req: Extract<WorkerRequest, { op: 'top' }>): ScannedProfile | undefined {
  const { sources, base, filters } = req.view;
  if (sources.length !== 1 || base.length > 0 || Object.keys(filters).length > 0) return undefined;
  return scanned.get(sources[0].sha256);
}

function handle(req: WorkerRequest, id: number): unknown {
  switch (req.op) {
    case 'readFile':
      return readFile(req.path, req.key, (done, total) => parentPort!.postMessage({ id, progress: { done, total } } satisfies WorkerProgress));
    case 'keep':
      return keep(req.key, req.sha256);
    case 'threads':
      return { warm: warmedUp, helper: appHelperThread?.state ?? 'none', invertedAhead: invertedAheadState() } satisfies WorkerThreads;
    case 'summarize':
      return scanForImport(req.source).then(async (scan) => {
        if (scan) return scan.summary;
        await decodeInTwo(req.source);
        const profile = profilesFor([req.source])[0];
        // The helper starts on the first flame's trie now; this thread summarises meanwhile.
        startFirstFlameOnHelper(req.source.sha256);
        return summarizeProfile(profile);
      });
    case 'meta': {
      const profile = profilesFor([req.source])[0];
      return { sampleTypes: profile.sampleTypes, defaultSampleType: profile.defaultSampleType };
    }
    case 'functionStats':
      return scanned.get(req.source.sha256)?.functionStats() ?? functionStatsOf(profilesFor([req.source])[0], figuresOf(profilesFor([req.source])[0]));
    case 'flame': {
      const waiting = flameFromHelper(req);
      if (waiting) return waiting;
      // Diff views keep signed sums: their own build. Others share one trie across sample types.
      if (req.view.base.length > 0 || !FlameStructure.fits(viewFor(req.view).profile)) {
        return flameGraphOf(viewFor(req.view), req.sampleType, { inverted: req.inverted, signed: req.view.base.length > 0, maxNodes: req.maxNodes });
      }
      return flameOf(viewFor(req.view), req.sampleType, req.inverted === true, req.maxNodes);
    }
    case 'callTree':
      return callTreeOf(viewFor(req.view), req.sampleType, { diff: req.view.base.length > 0 });
    case 'sandwich':
      return sandwichOf(viewFor(req.view), req.sampleType, req.name, { diff: req.view.base.length > 0 });
    case 'diffTable':
      return diffTableOf(viewFor(req.view), req.sampleType, req.options, { diff: req.view.base.length > 0 });
    case 'export':
      return exportOf(viewFor(req.view), req.sampleType, req.request, { diff: req.view.base.length > 0 });
    case 'top': {
      const scan = scannedView(req);
      if (scan) return scan.top(resolveSampleType(scan.skeleton, req.sampleType), req.options);
      return topOf(viewFor(req.view), req.sampleType, req.options, figuresOf(viewFor(req.view).profile));
    }
    case 'sourceList':
      return sourceListOf(viewFor(req.view), req.sampleType, req.symbol, { searchPath: req.searchPath, trimPath: req.trimPath });
    case 'peek':
      return peekOf(viewFor(req.view), req.sampleType, req.symbol);
    case 'addresses':
      return addressesOf(viewFor(req.view), req.sampleType);
    case 'graph':
      return callGraphOf(viewFor(req.view), req.sampleType, req.options);
    case 'encode': {
      const { profile } = viewFor(req.view);
      return { bytes: encodePprof(profile), summary: summarizeProfile(profile) };
    }
  }
}

/** Whether this thread's warm-up has run every step (op threads). */
let warmedUp = false;
/** When the last request came (the thread's start counts as one: its warm-up waits for the app's first requests). */
let lastRequestAt = Date.now();
/** One request at a time, in the order sent (an import's scan waits for its helper). */
let queue = Promise.resolve();

if (workerData?.role === SCAN_HELPER_ROLE) serveScanHelper(parentPort!);
else if (workerData?.role === APP_HELPER_ROLE) serveAppHelper(parentPort!);
else {
  useLinearRegexpFallback();
  // The app's helper thread is started once this thread is warm, so that its own start-up and
  // warm-up (~200 ms and more of CPU) are done before the first big import, not during it.
  if (workerData?.warmUp) {
    warmUpWhenIdle(() => lastRequestAt, undefined, undefined, () => {
      warmedUp = true;
      if (!appHelperWanted) return;
      appHelper();
      if (timingOn) timingLine('worker warmed up; the app helper started');
    });
  }
  parentPort!.on('message', (msg: { id: number; req: WorkerRequest }) => {
    inHand++;
    queue = queue
      .then(() => answer(msg))
      .finally(() => {
        inHand--;
        lastAnsweredAt = Date.now();
        helpWhenFree();
      });
  });
  if (scanOnImport && workerData?.readAhead instanceof Uint8Array) startReadAhead(workerData.readAhead, workerData.readAheadData as MessagePort | undefined);
}

async function answer(msg: { id: number; req: WorkerRequest }): Promise<void> {
  // A question about the threads is no work: the warm-up is not put off by it.
  if (msg.req.op !== 'threads') lastRequestAt = Date.now();
  const t0 = performance.now();
  const cpu0 = timingOn ? threadCpuMs() : 0;
  let value: unknown;
  try {
    value = handle(msg.req, msg.id);
  } catch (err) {
    parentPort!.postMessage(errorReply(msg.id, err));
    return;
  }
  // A flame graph waiting for the helper's trie: the next request is taken meanwhile.
  if (value instanceof Promise && offQueue.has(value)) void reply(msg, value, t0, cpu0);
  else await reply(msg, value, t0, cpu0);
}

async function reply(msg: { id: number; req: WorkerRequest }, answer: unknown, t0: number, cpu0: number): Promise<void> {
  let value: unknown;
  try {
    value = await answer;
  } catch (err) {
    parentPort!.postMessage(errorReply(msg.id, err));
    return;
  }
  if (timingOn) timingLine(`worker ${msg.req.op}: ${(performance.now() - t0).toFixed(0)} ms (this thread's CPU ${(threadCpuMs() - cpu0).toFixed(0)} ms)`);
  // Copied, not transferred: a transfer detaches its buffers, and V8 throws away every optimised
  // typed-array loop of a thread at its first detach and compiles them slower after it (warm-up.ts).
  parentPort!.postMessage({ id: msg.id, ok: true, value } satisfies WorkerReply);
  // An import's figures are the last the app's import asks for: its first view is next.
  if (msg.req.op === 'functionStats' && workerData?.warmUp === true) {
    const { sha256 } = msg.req.source;
    queue = queue.then(() => {
      const t1 = performance.now();
      const cpu1 = timingOn ? threadCpuMs() : 0;
      prebuildFirstFlame(sha256);
      if (timingOn) timingLine(`worker first flame's trie, ahead: ${(performance.now() - t1).toFixed(0)} ms (this thread's CPU ${(threadCpuMs() - cpu1).toFixed(0)} ms)`);
    });
  }
}

function errorReply(id: number, err: unknown): WorkerReply {
  if (err instanceof MissingProfiles) return { id, ok: false, missing: err.hashes };
  if (err instanceof SourceFormatError) return { id, ok: false, error: { code: 'bad_input', message: err.message }, source: err.sha256 };
  if (err instanceof FormatError) return { id, ok: false, error: { code: 'bad_input', message: err.message } };
  return { id, ok: false, error: errorBody(err) };
}
