// The app's second thread for a big profile's import and first flame graph (gpw serve and
// Electron; the CLI scans instead: scan-helper.ts). It counts and then decodes part of the
// samples beside the profile worker (blocks claimed in turn from a shared counter, into columns
// in shared memory: decode-pprof.ts countClaimedBlocks, decodeClaimedBlocks; records not grouped
// by stack keyed as they are counted, and decoded in the trie's order: stack-order.ts
// recordKeyPlan), and then, while the worker makes the import's function
// figures and the view's first top table, partitions the profile's stacks into its first flame
// trie (analysis/flame-partition.ts: partitionStacks) from those shared columns; the trie's columns
// come back copied (never transferred: warm-up.ts). It runs profile-worker.js again with another role (as scan-helper.ts
// does), is started by the app's worker once that one's warm-up has run (profile-worker.ts:
// appHelper; or at a big import that comes first) and lives as long as it, and warms its loops on
// a small synthetic profile while it waits for its first job. Later, when it is idle, it takes a big filter chip's share of
// the walk of the stacks and the chip's trie narrowed from its parent view's, and half of a big
// inverted trie (PartitionInTwo).

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { levelShare, levelStacks, type LevelShare } from '../analysis/flame-levels.js';
import { FlameStructure } from '../analysis/flame-graph.js';
import { keptStacks, narrowStacks, PartitionInTwo, partitionShare, partitionStacks, partitionStacksHelped, partitionStacksUnless, stackColumns, type ParentTrie, type PartitionedShare, type PartitionedStacks, type PartitionHelp, type PartitionShare, type StackColumns } from '../analysis/flame-partition.js';
import { buildFrameTable, type FrameTable } from '../analysis/frames.js';
import { countClaimedBlocks, decodeClaimedBlocks, decodePprof, type SampleBlocks, type SampleTable } from '../formats/pprof/decode-pprof.js';
import { syntheticProfileBytes, warmUpWhenIdle } from './warm-up.js';
import { keepSamples } from '../analysis/profile-rewrite.js';
import { markedSamples, type KeptSampleFigures, type KnownPrefixes } from '../analysis/filters/name-filters.js';
import { Accumulator } from '../analysis/top.js';
import { recordKeys, type SharedRecordKeys } from '../analysis/stack-order.js';

export const APP_HELPER_ROLE = 'app-helper';

/** A trie to make: the columns of the profile's stacks (shared memory: not copied). */
export interface TrieJob {
  stacks: StackColumns;
  frames: FrameTable;
  inverted: boolean;
  minShare: number;
  /**
   * The worker's offer to take part of the trie (flame-partition.ts partitionStacksHelped), shared
   * memory: [0] set to 1 by the worker whenever it is free (offerHelp), back to 0 by the helper as
   * it hands over a share.
   */
  help?: Int32Array;
  /** Its stacks lie in the trie's order already (decoded so: stack-order.ts recordKeyPlan), and are partitioned as they are. */
  inOrder?: boolean;
}

/** A share's state (ShareOffer.state[0]): handed to the worker, begun there, made there, or taken back by the helper before the worker began. */
export const SHARE_GIVEN = 0;
export const SHARE_BEGUN = 1;
export const SHARE_MADE = 2;
const SHARE_TAKEN_BACK = 3;
/** How long the helper waits for a share the worker has begun (ms), after which its trie fails (the worker makes it). */
const SHARE_WAIT_MS = 30_000;

/**
 * The helper's message handing the worker a share of its trie: the worker answers on `reply`;
 * `state` (shared memory) is the share's (SHARE_*), which both threads change only by
 * compare-and-swap.
 */
interface ShareOffer {
  id: 0;
  share: PartitionShare;
  reply: MessagePort;
  state: Int32Array;
}

/**
 * A filter chip's trie to make from the trie of the view it narrows (flame-partition.ts narrowStacks):
 * that trie's columns, and the parent view's stacks with the samples the chip keeps (`kept[k]`:
 * the parent's sample of sample k), of which the helper makes the chip's columns (keptStacks)
 * without waiting for the worker's copy of them (shared memory: not copied).
 */
export interface NarrowJob {
  up: ParentTrie;
  stacks: StackColumns;
  frames: FrameTable;
  inverted: boolean;
  kept: Int32Array;
  minShare: number;
}

/**
 * A focus or ignore chip's walk of the stacks (name-filters.ts markedSamples) shared by the worker
 * and the helper: blocks of `blockSize` samples claimed in turn from `state[0]`, `state[1 + b]`
 * set to 1 once block b is walked; stacks, `keep` and `state` in shared memory. With `figures`,
 * the chip's per-function figures are made in the same walk; with `known`, what the parent view's
 * trie knows of the stacks (only their parts below its nodes are walked).
 */
export interface MarkedWalkJob {
  sampleLocStart: Uint32Array;
  sampleLocs: Uint32Array;
  mark: Uint8Array;
  keep: Uint8Array;
  state: Int32Array;
  count: number;
  blockSize: number;
  figures?: WalkFigures;
  known?: KnownPrefixes;
}

/**
 * The per-function figures (analysis/top.ts Accumulator, every sample type) of the samples a
 * shared walk keeps: each thread adds up the kept samples of the blocks it claims, as it walks
 * them; the helper then writes its sums to `out` (Accumulator's flat, cum and totals columns, one
 * after another) and sets `done[0]` to 1, once every block it claimed is walked. Shared memory.
 */
export interface WalkFigures {
  frames: FrameTable;
  values: Float64Array;
  nTypes: number;
  out: Float64Array;
  done: Int32Array;
}

/** An accumulator for a walk's figures (every sample type), and the room its sums take in WalkFigures.out. */
export function walkAccumulator(frames: FrameTable, nTypes: number): { into: Accumulator; outLength: number } {
  const into = new Accumulator(frames, Array.from({ length: nTypes }, (_, t) => t));
  return { into, outLength: sumsLength(into) };
}

/** The WalkFigures of a shared walk whose figures the worker adds up in `into` (frames and types as walkAccumulator's): the helper's sums come in `out`. */
export function walkFigures(frames: FrameTable, values: Float64Array, nTypes: number, into: Accumulator): WalkFigures {
  return { frames, values, nTypes, out: new Float64Array(new SharedArrayBuffer(8 * sumsLength(into))), done: new Int32Array(new SharedArrayBuffer(4)) };
}

/** WalkFigures.out's layout: an accumulator's flat, cum and totals columns, one after another. */
const sumsLength = (into: Accumulator): number => 2 * into.flat.length + into.totals.length;

/** The helper's sums of a walk's figures (written once done[0] is 1) added to `into`. */
export function addWalkFigures(figures: WalkFigures, into: Accumulator): void {
  const n = into.flat.length;
  const { out } = figures;
  into.addFigures({ flat: out.subarray(0, n), cum: out.subarray(n, 2 * n), totals: out.subarray(2 * n, 2 * n + into.totals.length) });
}

/** The helper's sums written to `out` in that layout, and done[0] set. */
function writeWalkFigures(figures: WalkFigures, into: Accumulator): void {
  const n = into.flat.length;
  figures.out.set(into.flat, 0);
  figures.out.set(into.cum, n);
  figures.out.set(into.totals, 2 * n);
  Atomics.store(figures.done, 0, 1);
  Atomics.notify(figures.done, 0);
}

/** Walks blocks of a MarkedWalkJob as long as there are unclaimed ones, adding their kept samples to `into` (the job's figures); answers how many. */
export function walkClaimedBlocks(job: MarkedWalkJob, into?: Accumulator): number {
  const nBlocks = job.state.length - 1;
  const figures = into && job.figures ? { into, values: job.figures.values, nTypes: job.figures.nTypes } : undefined;
  let walked = 0;
  for (let b = Atomics.add(job.state, 0, 1); b < nBlocks; b = Atomics.add(job.state, 0, 1)) {
    walkBlock(job, b, figures);
    Atomics.store(job.state, 1 + b, 1);
    walked++;
  }
  return walked;
}

/** Block b of a MarkedWalkJob walked (by whichever thread claims it, or again by the worker: then without figures). */
export function walkBlock(job: MarkedWalkJob, b: number, figures?: KeptSampleFigures): void {
  markedSamples(job.sampleLocStart, job.sampleLocs, job.mark, b * job.blockSize, Math.min(job.count, (b + 1) * job.blockSize), job.keep, figures, job.known);
}

/** The helper's share of a walk: its blocks walked, then (with figures) its sums written and done[0] set. */
function walkShare(job: MarkedWalkJob): void {
  const { figures } = job;
  if (!figures) {
    walkClaimedBlocks(job);
    return;
  }
  const { into } = walkAccumulator(figures.frames, figures.nTypes);
  walkClaimedBlocks(job, into);
  if (job.known?.names) into.addPrefixes(job.known.names);
  writeWalkFigures(figures, into);
}

/** Blocks of samples to decode, claimed from `next` in turn with the worker (all shared memory). */
export interface DecodeJob {
  table: SampleTable;
  blocks: SampleBlocks;
  next: Int32Array;
}

/** Blocks of samples to count (their columns' sizes), claimed in turn with the worker (blockCountsOf: shared memory), and with `keys` keyed too. */
export interface CountJob {
  table: SampleTable;
  counts: Uint32Array;
  keys?: SharedRecordKeys;
}

/** A trie made ahead of any request, given up once `stop[0]` is set (shared memory: AppHelper sets it when it sends another job). */
export interface AheadJob extends TrieJob {
  stop: Int32Array;
}

type HelperJob =
  | ({ op: 'trie' } & TrieJob)
  | ({ op: 'ahead' } & AheadJob)
  | ({ op: 'narrow' } & NarrowJob)
  | ({ op: 'share' } & PartitionShare)
  | ({ op: 'levels' } & LevelShare)
  | ({ op: 'decode' } & DecodeJob)
  | ({ op: 'count' } & CountJob)
  | ({ op: 'walk' } & MarkedWalkJob);

/** What a job made, and the time it took (wall, and this thread's CPU where Linux tells it). */
export interface HelperResult<T> {
  value: T;
  ms: number;
  cpuMs: number;
}

/** A decode's part: blocks decoded, or stopped (bad input or counts that did not match: the worker then decodes the usual way). */
export type DecodePart = { decoded: number } | { stopped: true };

type JobReply = { id: number; ok: true; result: HelperResult<unknown> } | { id: number; ok: false; message: string };
/** A job's answer, the thread's word that it has started, or a share of a trie for the worker. */
type HelperReply = JobReply | { id: 0; ready: true } | ShareOffer;

/** A thread's CPU time (user + system) in ms, where Linux tells it; else 0. */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** The helper's warm-up steps wait until no job has come for this long (ms): after an import's jobs, not between them. */
const WARM_QUIET_MS = 1000;

/** In the helper thread: answers each job it is sent, in turn. */
export function serveAppHelper(port: MessagePort): void {
  let lastJobAt = 0;
  // Started: its jobs are taken from now on (AppHelper.state).
  port.postMessage({ id: 0, ready: true });
  port.on('message', (job: HelperJob & { id: number }) => {
    lastJobAt = Date.now();
    const result = run(job, port);
    if (result === undefined) return;
    // Copied, not transferred: a detach would throw away this thread's optimised loops (warm-up.ts).
    port.postMessage(result);
  });
  // At once (the helper starts at an import, before its first job), and otherwise only once no job
  // has come for WARM_QUIET_MS: the steps an import's jobs interrupted are done when it is idle
  // again, before the user's first chip.
  warmUpWhenIdle(() => lastJobAt, WARM_QUIET_MS, helperWarmUpSteps);
}

/** A job done (a walk answers nothing: nobody waits for it, the worker walks whatever blocks are left itself). */
function run(job: HelperJob & { id: number }, port?: MessagePort): JobReply | undefined {
  if (job.op === 'walk') {
    walkShare(job);
    return undefined;
  }
  try {
    const t0 = performance.now();
    const cpu0 = threadCpuMs();
    const value = job.op === 'decode' ? decodePart(job) : job.op === 'count' ? countClaimedBlocks(job.table, job.counts, job.keys && recordKeys(job.keys)) : trieOf(job, port);
    return { id: job.id, ok: true, result: { value, ms: performance.now() - t0, cpuMs: threadCpuMs() - cpu0 } };
  } catch (err) {
    return { id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The worker's help with a trie, as the helper sees it: wanted while the worker has set help[0];
 * each share handed over in a message with a port of its own, its partition read from that port
 * synchronously (this thread is in the middle of its job) once the worker has made it. A share
 * the worker has not begun is taken back (made here); one it began is waited for (SHARE_WAIT_MS:
 * past it the trie fails, as the worker may still be writing its samples' columns; `waitMs` for tests).
 */
export function helpOf(port: MessagePort, help: Int32Array, waitMs = SHARE_WAIT_MS): PartitionHelp {
  const given: { state: Int32Array; answers: MessagePort }[] = [];
  const collectOne = ({ state, answers }: { state: Int32Array; answers: MessagePort }): PartitionedShare | null => {
    try {
      if (Atomics.compareExchange(state, 0, SHARE_GIVEN, SHARE_TAKEN_BACK) === SHARE_GIVEN) return null;
      const until = Date.now() + waitMs;
      while (Atomics.load(state, 0) !== SHARE_MADE && Date.now() < until) Atomics.wait(state, 0, SHARE_BEGUN, 50);
      // Still being made: the worker may go on writing the partition's columns (PartitionShare.columns), so the trie
      // is not made of them (the view's own request makes it on the worker).
      if (Atomics.load(state, 0) !== SHARE_MADE) throw new Error(`the worker's share of the trie did not come within ${waitMs / 1000} s`);
      const got = receiveMessageOnPort(answers);
      return (got?.message as { done: PartitionedShare | null } | undefined)?.done ?? null;
    } finally {
      answers.close();
    }
  };
  return {
    wanted: () => Atomics.load(help, 0) === 1,
    give(share) {
      Atomics.store(help, 0, 0);
      const { port1, port2 } = new MessageChannel();
      const state = new Int32Array(new SharedArrayBuffer(4));
      given.push({ state, answers: port1 });
      port.postMessage({ id: 0, share, reply: port2, state } satisfies ShareOffer, [port2]);
    },
    collect: () => given.map(collectOne),
  };
}

function decodePart(job: DecodeJob): DecodePart {
  const part = decodeClaimedBlocks(job.table, job.blocks, job.next);
  return 'decoded' in part ? part : { stopped: true };
}

function trieOf(job: Exclude<HelperJob, { op: 'decode' | 'count' | 'walk' }>, port?: MessagePort): PartitionedStacks | PartitionedShare | null {
  if (job.op === 'trie' && job.help && port) return partitionStacksHelped(job.stacks, job.frames, job.inverted, job.minShare, helpOf(port, job.help), job.inOrder === true);
  if (job.op === 'trie') return partitionStacks(job.stacks, job.frames, job.inverted, job.minShare);
  if (job.op === 'ahead') return partitionStacksUnless(job.stacks, job.frames, job.inverted, job.minShare, job.stop);
  if (job.op === 'narrow') return narrowStacks(job.up, keptStacks(job.stacks, job.kept), job.frames, job.inverted, job.kept, job.minShare);
  if (job.op === 'levels') {
    levelShare(job);
    return null;
  }
  return partitionShare(job);
}

/**
 * A small profile decoded and its forward trie made a few times (partial and whole), a chip's
 * walk and trie, and a share of an inverted trie, so V8 has optimised them before the first big
 * ones. The jobs go through a structured clone, as a job sent by the worker arrives (objects of
 * another shape than ones made here: code made for these alone would be thrown away at the first).
 * Exported for its test (every step runs).
 */
export function helperWarmUpSteps(): (() => void)[] {
  const bytes = syntheticProfileBytes(4_000, 24);
  const profile = decodePprof(bytes, { sharedStacks: true });
  const frames = buildFrameTable(profile, { showAddresses: true });
  const stacks = stackColumns(profile);
  const sent = (job: HelperJob): (() => void) => () => {
    const reply = run({ ...structuredClone(job), id: 0 });
    if (reply?.ok === false) throw new Error(reply.message);
  };
  // A chip's trie from a partial one (the kept samples: every third).
  const parent = new FlameStructure(profile, false, 1e-2);
  const keep = Uint8Array.from({ length: profile.sampleCount }, (_, s) => (s % 3 === 0 ? 1 : 0));
  const kept = Int32Array.from({ length: Math.ceil(profile.sampleCount / 3) }, (_, k) => 3 * k);
  const chip = keepSamples(profile, keep);
  const up = parent.narrowable(chip, frames, false, kept);
  // A focus chip's walk of the stacks (blocks of 256 samples; the marked locations: every fifth).
  const mark = Uint8Array.from({ length: profile.locAddress.length }, (_, l) => (l % 5 === 0 ? 1 : 0));
  const blockSize = 256;
  const nBlocks = Math.ceil(profile.sampleCount / blockSize);
  const topFrames = buildFrameTable(profile, { showAddresses: false });
  const nTypes = profile.sampleTypes.length;
  const { into: warmInto } = walkAccumulator(topFrames, nTypes);
  const walk = (): HelperJob => ({
    op: 'walk',
    sampleLocStart: profile.sampleLocStart,
    sampleLocs: profile.sampleLocs,
    mark,
    count: profile.sampleCount,
    blockSize,
    keep: new Uint8Array(new SharedArrayBuffer(profile.sampleCount)),
    state: new Int32Array(new SharedArrayBuffer(4 * (1 + nBlocks))),
    // The chip's figures made in the walk, over frames named as top tables name them; the parent's trie's prefixes.
    known: parent.knownPrefixes(mark, topFrames) ?? undefined,
    figures: walkFigures(topFrames, profile.values, nTypes, warmInto),
  });
  // The helper's share of an inverted trie made by two threads.
  const inverted = new PartitionInTwo(profile, frames, true, 1e-4);
  const once = [
    () => decodePprof(bytes),
    sent({ op: 'trie', stacks, frames, inverted: false, minShare: 1e-4 }),
    sent({ op: 'trie', stacks, frames, inverted: false, minShare: 0 }),
    () => sent(walk())(),
    ...(up ? [sent({ op: 'narrow', up, stacks, frames, inverted: false, kept, minShare: 1e-3 })] : []),
    ...(inverted.share ? [sent({ op: 'share', ...inverted.share })] : []),
    // A big view's inverted trie made ahead: a level at a time (flame-levels.ts).
    () => levelStacks(stacks, frames, 1e-4, new Int32Array(new SharedArrayBuffer(4))),
  ];
  return [...once, ...once, ...once, ...once];
}

/** A fresh TrieJob.help: a shared flag, nothing offered. */
export function helpFlags(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** The worker is free to take a share of the trie this flag is for (TrieJob.help). */
export function offerHelp(help: Int32Array): void {
  Atomics.store(help, 0, 1);
}

/**
 * In the worker: a share of a trie the helper handed over (helpOf), partitioned here unless the
 * helper took it back first, and answered on its port before it is marked made (the helper reads
 * the port as soon as it sees that). Anything thrown answers null: the helper makes the share.
 */
function makeShare(offer: ShareOffer): void {
  const { state, reply } = offer;
  if (Atomics.compareExchange(state, 0, SHARE_GIVEN, SHARE_BEGUN) !== SHARE_GIVEN) {
    reply.close();
    return;
  }
  let done: PartitionedShare | null = null;
  try {
    done = partitionShare(offer.share);
  } catch {
    done = null;
  }
  // Copied, not transferred (warm-up.ts: a detach throws away a thread's optimised loops). The
  // helper closes the port once it has read the answer.
  reply.postMessage({ done });
  Atomics.store(state, 0, SHARE_MADE);
  Atomics.notify(state, 0);
}

/** The profile worker's side: one helper thread, jobs answered in turn; a helper that failed answers every job with its error. */
export class AppHelper {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(r: HelperResult<unknown>): void; reject(e: Error): void }>();
  private failure: Error | null = null;
  private nextId = 1;
  private started = false;
  /** Told each time this thread has made a share of a helped trie (TrieJob.help): it may offer again. */
  shareMade: (() => void) | null = null;
  /** The trie being made ahead (trieAhead), which the next job sent stops. */
  private ahead: { id: number; stop: Int32Array } | null = null;

  constructor(script: URL) {
    this.worker = new Worker(script, { workerData: { role: APP_HELPER_ROLE } });
    this.worker.unref();
    this.worker.on('message', (reply: HelperReply) => {
      if ('ready' in reply) {
        this.started = true;
        return;
      }
      if ('share' in reply) {
        makeShare(reply);
        this.shareMade?.();
        return;
      }
      const job = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) job?.resolve(reply.result);
      else job?.reject(new Error(reply.message));
    });
    const fail = (err: Error): void => {
      this.failure ??= err;
      for (const job of this.pending.values()) job.reject(this.failure);
      this.pending.clear();
    };
    this.worker.once('error', fail);
    this.worker.once('exit', (code) => fail(new Error(`the app's helper thread exited (${code})`)));
  }

  /**
   * The trie of these stacks, made on the helper thread; with `help`, it hands this thread a share
   * of it once this thread offers (offerHelp: the share comes as a message answered by makeShare).
   */
  trie(job: TrieJob): Promise<HelperResult<PartitionedStacks>> {
    return this.send({ op: 'trie', ...job }) as Promise<HelperResult<PartitionedStacks>>;
  }

  /**
   * The trie of these stacks made ahead of any request; null when it was given up: any other job
   * sent to the helper first stops it (within one split of the stacks), so the helper counts as idle meanwhile.
   */
  trieAhead(job: TrieJob): Promise<HelperResult<PartitionedStacks | null>> {
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const made = this.send({ op: 'ahead', ...job, stop }) as Promise<HelperResult<PartitionedStacks | null>>;
    const ahead = (this.ahead = { id: this.nextId - 1, stop });
    const done = (): void => {
      if (this.ahead === ahead) this.ahead = null;
    };
    made.then(done, done);
    return made;
  }

  /** The helper's part of counting a located profile's blocks with this thread (answers whether all are counted). */
  count(job: CountJob): Promise<HelperResult<boolean>> {
    return this.send({ op: 'count', ...job }) as Promise<HelperResult<boolean>>;
  }

  /** Whether the helper has no job in hand but a trie made ahead (a job sent now starts at once, or once the thread has started). */
  get idle(): boolean {
    return this.pending.size === (this.ahead ? 1 : 0) && this.failure === null;
  }

  /** Whether a trie made ahead is in hand (trieAhead). */
  get aheadInHand(): boolean {
    return this.ahead !== null;
  }

  /** The trie being made ahead given up (another job needs the thread). */
  private stopAhead(): void {
    if (this.ahead) Atomics.store(this.ahead.stop, 0, 1);
  }

  /** Its state, as WorkerThreads tells it. */
  get state(): 'starting' | 'ready' | 'busy' | 'failed' {
    return this.failure ? 'failed' : !this.started ? 'starting' : this.idle ? 'ready' : 'busy';
  }

  /**
   * The helper's share of a chip's walk of the stacks (walkClaimedBlocks); nothing is answered,
   * so the helper stays `idle` for the jobs that follow (they start once its share is walked).
   */
  walkMarked(job: MarkedWalkJob): void {
    this.stopAhead();
    if (!this.failure) this.worker.postMessage({ op: 'walk', ...job, id: 0 });
  }

  /** A filter chip's trie made from its parent view's, on the helper thread. */
  narrow(job: NarrowJob): Promise<HelperResult<PartitionedStacks>> {
    return this.send({ op: 'narrow', ...job }) as Promise<HelperResult<PartitionedStacks>>;
  }

  /** Another thread's share of a partition (flame-partition.ts PartitionInTwo), made on the helper thread. */
  partitionShare(job: PartitionShare): Promise<HelperResult<PartitionedShare>> {
    return this.send({ op: 'share', ...job }) as Promise<HelperResult<PartitionedShare>>;
  }

  /** The other half of a trie made a level at a time by two threads (flame-levels.ts LevelsInTwo), walked on the helper thread. */
  levelShare(job: LevelShare): Promise<HelperResult<null>> {
    return this.send({ op: 'levels', ...job }) as Promise<HelperResult<null>>;
  }

  /** The helper's part of a decode shared with this thread. */
  decode(job: DecodeJob): Promise<HelperResult<DecodePart>> {
    return this.send({ op: 'decode', ...job }) as Promise<HelperResult<DecodePart>>;
  }

  /** The thread ended (the app's helper lives as long as its worker; tests end theirs). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private send(job: HelperJob): Promise<HelperResult<unknown>> {
    this.stopAhead();
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...job, id });
    });
  }
}
