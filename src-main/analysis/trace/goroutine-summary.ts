// Per-goroutine time accounting with go tool trace's rules (its goroutine analysis page):
// execution, scheduler wait, syscall, syscall with the P lost, and block time per reason.
// A goroutine first seen in a status event counts from the generation's start; a block with
// reason "forever" ends it like an exit; a syscall whose P went idle counts as blocked from then.

import { GoState, fromState, toState, TIME_BLOCK_BITS, type GoTrace } from '../../model/trace.js';
import { perTrace } from './per-trace.js';
import { grown } from '../grown.js';

export interface GoroutineStats {
  /** Dense goroutine index → root function of its first stack ("" when none was seen). */
  name: string[];
  creation: Float64Array;
  /** First time running, -Infinity if it never ran. */
  start: Float64Array;
  /** Exit time, NaN while alive at the end. */
  end: Float64Array;
  exec: Float64Array;
  schedWait: Float64Array;
  syscall: Float64Array;
  syscallBlock: Float64Array;
  total: Float64Array;
  /** Block time per reason string, per goroutine. */
  block: Map<string, number>[];
}

const UNSET = NaN;

/** The stats of a trace (computed once per parsed trace, then shared by every question about it). */
export const goroutineStats: (trace: GoTrace) => GoroutineStats = perTrace(computeStats);

function computeStats(trace: GoTrace): GoroutineStats {
  const n = trace.goId.length;
  const s: GoroutineStats = {
    name: new Array<string>(n).fill(''),
    creation: new Float64Array(n),
    start: new Float64Array(n).fill(-Infinity),
    end: new Float64Array(n).fill(NaN),
    exec: new Float64Array(n),
    schedWait: new Float64Array(n),
    syscall: new Float64Array(n),
    syscallBlock: new Float64Array(n),
    total: new Float64Array(n),
    block: Array.from({ length: n }, () => new Map<string, number>()),
  };
  const lastStart = new Float64Array(n).fill(UNSET);
  const lastRunnable = new Float64Array(n).fill(UNSET);
  const lastBlock = new Float64Array(n).fill(UNSET);
  const lastReason = new Int32Array(n);
  const lastSyscall = new Float64Array(n).fill(UNSET);
  const lastSyscallBlock = new Float64Array(n).fill(UNSET);
  const finalized = new Uint8Array(n);
  // The goroutine in a syscall on each P, and the P of each goroutine in a syscall (NaN: none).
  const syscallingP = new GoroutineByProc();
  const syscallingG = new Float64Array(n).fill(NaN);
  const strings = trace.strings;
  const tr = trace.transitions;
  // timeAt(tr.time, i), unrolled for the loop over every row.
  const { offset, base } = tr.time;
  const idle = trace.procIdle;
  const syncs = trace.syncTimes;
  let sync = 0;
  let pi = 0;

  // Block reasons as small slots, numbered as they first appear: time per (slot, goroutine) in
  // one array, which gains n rows per new slot (a handful in a trace).
  const slotOf = new Int32Array(strings.length).fill(-1);
  const reasons: string[] = [];
  let forever = -1;
  let blocked = new Float64Array(n * 8);
  let blockedSeen = new Uint8Array(n * 8);
  const slotFor = (r: number): number => {
    const slot = reasons.length;
    slotOf[r] = slot;
    reasons.push(strings[r]);
    if (strings[r] === 'forever') forever = slot;
    if ((slot + 1) * n > blocked.length) {
      blocked = grown(blocked, blocked.length * 2);
      blockedSeen = grown(blockedSeen, blockedSeen.length * 2);
    }
    return slot;
  };
  const addBlock = (g: number, slot: number, dt: number): void => {
    blocked[slot * n + g] += dt;
    blockedSeen[slot * n + g] = 1;
  };
  const finalize = (g: number, t: number): void => {
    if (s.total[g] === 0) s.total[g] = t - s.creation[g];
    if (!Number.isNaN(lastStart[g])) s.exec[g] += t - lastStart[g];
    if (!Number.isNaN(lastRunnable[g])) s.schedWait[g] += t - lastRunnable[g];
    if (!Number.isNaN(lastBlock[g])) addBlock(g, lastReason[g], t - lastBlock[g]);
    if (!Number.isNaN(lastSyscall[g])) s.syscall[g] += t - lastSyscall[g];
    // As go tool trace: an unfinished syscall that lost its P also counts as scheduler wait.
    if (!Number.isNaN(lastSyscallBlock[g])) s.schedWait[g] += t - lastSyscallBlock[g];
    lastStart[g] = lastRunnable[g] = lastBlock[g] = lastSyscall[g] = lastSyscallBlock[g] = UNSET;
    finalized[g] = 1;
  };

  for (let i = 0; i < tr.count; i++) {
    for (; pi < idle.count && idle.before[pi] <= i; pi++) {
      const g = syscallingP.get(idle.proc[pi]);
      if (g < 0) continue;
      lastSyscallBlock[g] = idle.time[pi];
      syscallingP.delete(idle.proc[pi]);
    }
    const t = base[i >>> TIME_BLOCK_BITS] + offset[i];
    while (sync + 1 < syncs.length && syncs[sync + 1] <= t) sync++;
    const g = tr.g[i];
    const change = tr.change[i];
    const from = fromState(change);
    const to = toState(change);
    let reason = 0;
    if (to === GoState.Waiting) {
      reason = slotOf[tr.reason[i]];
      if (reason < 0) reason = slotFor(tr.reason[i]);
    }
    switch (from) {
      case GoState.Undetermined: {
        const syncTs = syncs[sync];
        s.creation[g] = syncTs;
        const dt = t - syncTs;
        if (to === GoState.Running) s.exec[g] += dt;
        else if (to === GoState.Waiting) addBlock(g, reason, dt);
        else if (to === GoState.Runnable) s.schedWait[g] += dt;
        else if (to === GoState.Syscall) {
          if (tr.proc[i] < 0) s.syscallBlock[g] += dt;
          else s.syscall[g] += dt;
        }
        break;
      }
      case GoState.NotExist:
        s.creation[g] = t;
        break;
      case GoState.Running:
        s.exec[g] += t - lastStart[g];
        lastStart[g] = UNSET;
        break;
      case GoState.Waiting:
        if (!Number.isNaN(lastBlock[g])) {
          addBlock(g, lastReason[g], t - lastBlock[g]);
          lastBlock[g] = UNSET;
        }
        break;
      case GoState.Runnable:
        if (!Number.isNaN(lastRunnable[g])) {
          s.schedWait[g] += t - lastRunnable[g];
          lastRunnable[g] = UNSET;
        }
        break;
      case GoState.Syscall:
        if (!Number.isNaN(lastSyscall[g])) {
          if (!Number.isNaN(lastSyscallBlock[g])) {
            s.syscallBlock[g] += t - lastSyscallBlock[g];
            s.syscall[g] += lastSyscallBlock[g] - lastSyscall[g];
          } else s.syscall[g] += t - lastSyscall[g];
          lastSyscall[g] = lastSyscallBlock[g] = UNSET;
          const p = syscallingG[g];
          if (!Number.isNaN(p)) syscallingP.delete(p);
          syscallingG[g] = NaN;
        }
        break;
    }
    switch (to) {
      case GoState.Running:
        lastStart[g] = t;
        if (s.start[g] === -Infinity) s.start[g] = t;
        break;
      case GoState.Runnable:
        lastRunnable[g] = t;
        break;
      case GoState.Waiting:
        if (reason !== forever) {
          lastBlock[g] = t;
          lastReason[g] = reason;
        } else {
          s.end[g] = t;
          finalize(g, t);
        }
        break;
      case GoState.NotExist:
        s.end[g] = t;
        finalize(g, t);
        break;
      case GoState.Syscall:
        syscallingP.set(tr.proc[i], g);
        syscallingG[g] = tr.proc[i];
        lastSyscall[g] = t;
        break;
    }
  }
  for (let g = 0; g < n; g++) {
    if (!finalized[g]) finalize(g, trace.durationNs);
    for (let r = 0; r < reasons.length; r++) if (blockedSeen[r * n + g]) s.block[g].set(reasons[r], blocked[r * n + g]);
    const st = trace.goStack[g];
    const root = trace.stackStart[st + 1] - 1;
    if (root >= trace.stackStart[st]) s.name[g] = strings[trace.frameFunc[root]];
  }
  return s;
}

/** P id → goroutine (dense index, -1 for none): the usual small ids in an array, any others in a Map. */
class GoroutineByProc {
  private static readonly SMALL = 1024;
  private readonly small = new Int32Array(GoroutineByProc.SMALL + 1).fill(-1);
  private readonly other = new Map<number, number>();

  get(p: number): number {
    if (p >= -1 && p < GoroutineByProc.SMALL) return this.small[p + 1];
    return this.other.get(p) ?? -1;
  }

  set(p: number, g: number): void {
    if (p >= -1 && p < GoroutineByProc.SMALL) this.small[p + 1] = g;
    else this.other.set(p, g);
  }

  delete(p: number): void {
    this.set(p, -1);
  }
}

export interface GoroutineGroup {
  name: string;
  count: number;
  execNs: number;
  schedWaitNs: number;
  syscallNs: number;
  syscallBlockNs: number;
  blockNs: Record<string, number>;
}

/** Goroutines grouped by start function, as go tool trace's goroutine page: most execution time first. */
export function goroutineGroups(stats: GoroutineStats): GoroutineGroup[] {
  const groups = new Map<string, GoroutineGroup>();
  for (let g = 0; g < stats.name.length; g++) {
    const name = stats.name[g];
    let gr = groups.get(name);
    if (!gr) groups.set(name, (gr = { name, count: 0, execNs: 0, schedWaitNs: 0, syscallNs: 0, syscallBlockNs: 0, blockNs: {} }));
    gr.count++;
    gr.execNs += stats.exec[g];
    gr.schedWaitNs += stats.schedWait[g];
    gr.syscallNs += stats.syscall[g];
    gr.syscallBlockNs += stats.syscallBlock[g];
    for (const [reason, dt] of stats.block[g]) gr.blockNs[reason] = (gr.blockNs[reason] ?? 0) + dt;
  }
  return [...groups.values()].sort((a, b) => b.execNs - a.execNs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
