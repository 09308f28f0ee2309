// The app's second thread for a big profile's first flame graph: while the profile worker makes
// the import's function figures and the view's first top table, this thread partitions the
// profile's stacks into the flame trie (analysis/flame-graph.ts: partitionStacks), reading the
// stack columns the worker decoded into shared memory (decodePprof's sharedStacks), so nothing
// is copied; the trie's columns come back transferred. It runs profile-worker.js again with
// another role (as scan-helper.ts does), is started with the app's worker and lives as long as it,
// and warms its partition on a small synthetic profile while it waits for its first job.

import { Worker, type MessagePort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { partitionStacks, type PartitionedStacks, type StackColumns } from '../analysis/flame-graph.js';
import { buildFrameTable, type FrameTable } from '../analysis/frames.js';
import { decodePprof } from '../formats/pprof/decode-pprof.js';
import { syntheticProfileBytes } from './warm-up.js';

export const FLAME_HELPER_ROLE = 'flame-helper';

export interface FlameHelperJob {
  id: number;
  /** The columns of the profile's stacks (shared memory: not copied). */
  stacks: StackColumns;
  frames: FrameTable;
  inverted: boolean;
  minShare: number;
}

/** The trie, and the time it took (wall, and this thread's CPU where Linux tells it). */
export interface FlameHelperResult {
  built: PartitionedStacks;
  ms: number;
  cpuMs: number;
}

type FlameHelperReply = { id: number; ok: true; result: FlameHelperResult } | { id: number; ok: false; message: string };

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

/** In the helper thread: partitions the stacks of each job it is sent, in turn. */
export function serveFlameHelper(port: MessagePort): void {
  let warm = warmUpSteps();
  port.on('message', (job: FlameHelperJob) => {
    warm = [];
    let reply: FlameHelperReply;
    try {
      const t0 = performance.now();
      const cpu0 = threadCpuMs();
      const built = partitionStacks(job.stacks, job.frames, job.inverted, job.minShare);
      reply = { id: job.id, ok: true, result: { built, ms: performance.now() - t0, cpuMs: threadCpuMs() - cpu0 } };
      port.postMessage(reply, [built.parent.buffer, built.name.buffer, built.calledIn.buffer, built.sampleNode.buffer, built.sampleEnds.buffer] as ArrayBuffer[]);
      return;
    } catch (err) {
      reply = { id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
  // One step per macrotask, so a job waits for one step at most.
  const step = (): void => {
    const next = warm.shift();
    if (!next) return;
    next();
    setTimeout(step, 0).unref();
  };
  setTimeout(step, 0).unref();
}

/** A small profile's forward trie made a few times (partial and whole), so V8 has optimised the partition before the first big one. */
function warmUpSteps(): (() => void)[] {
  const profile = decodePprof(syntheticProfileBytes(4_000, 24));
  const frames = buildFrameTable(profile, { showAddresses: true });
  const once = [() => partitionStacks(profile, frames, false, 1e-4), () => partitionStacks(profile, frames, false, 0)];
  return [...once, ...once, ...once, ...once];
}

/** The profile worker's side: one helper thread, jobs answered in turn; a helper that failed answers every job with its error. */
export class FlameHelper {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(r: FlameHelperResult): void; reject(e: Error): void }>();
  private failure: Error | null = null;
  private nextId = 1;

  constructor(script: URL) {
    this.worker = new Worker(script, { workerData: { role: FLAME_HELPER_ROLE } });
    this.worker.unref();
    this.worker.on('message', (reply: FlameHelperReply) => {
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
    this.worker.once('exit', (code) => fail(new Error(`the flame helper exited (${code})`)));
  }

  /** The trie of these stacks, made on the helper thread. */
  build(job: Omit<FlameHelperJob, 'id'>): Promise<FlameHelperResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<FlameHelperResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...job, id } satisfies FlameHelperJob);
    });
  }
}
