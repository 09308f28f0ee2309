// Blocking profiles of a trace, with go tool trace -pprof=net|sync|syscall|sched's rules: the
// time each goroutine spends in a state (network wait; chan/sync/select wait; syscall;
// runnable), keyed by the stack of the event that put it there, clipped to the goroutine's
// life from its first run to its exit (or the trace end).

import { GoState, toState, TIME_BLOCK_BITS, type GoTrace } from '../../model/trace.js';
import { ProfileBuilder } from '../../model/profile-builder.js';
import type { Profile } from '../../model/profile.js';
import type { GoroutineStats } from './goroutine-summary.js';

export const BLOCKING_KINDS = ['net', 'sync', 'syscall', 'sched'] as const;
export type BlockingKind = (typeof BLOCKING_KINDS)[number];

export interface BlockingRecords {
  kind: BlockingKind;
  /** Stack index → [count, delay ns]. */
  byStack: Map<number, { count: number; delayNs: number }>;
  count: number;
  delayNs: number;
}

const STATE_OF: Record<BlockingKind, number> = { net: GoState.Waiting, sync: GoState.Waiting, syscall: GoState.Syscall, sched: GoState.Runnable };

function tracks(kind: BlockingKind, reason: string): boolean {
  if (kind === 'net') return reason === 'network';
  if (kind === 'sync') return reason.includes('chan') || reason.includes('sync') || reason.includes('select');
  return true;
}

/** One blocking profile. */
export function blockingRecords(trace: GoTrace, stats: GoroutineStats, kind: BlockingKind): BlockingRecords {
  return blockingRecordsOf(trace, stats, [kind])[0];
}

/** Blocking profiles of several kinds in one pass over the transitions. */
export function blockingRecordsOf(trace: GoTrace, stats: GoroutineStats, kinds: readonly BlockingKind[]): BlockingRecords[] {
  const tr = trace.transitions;
  // timeAt(tr.time, i), unrolled for the loop over every row.
  const { offset, base } = tr.time;
  const nk = kinds.length;
  const goCount = trace.goId.length;
  const stacks = trace.stackStart.length - 1;
  // Per kind: the row each goroutine entered the tracked state at (-1: not tracked), and per stack count and delay.
  const tracking = new Int32Array(goCount * nk).fill(-1);
  // Per goroutine, the kinds (bit k) tracking it now; per state, the kinds that track it.
  const active = new Uint8Array(goCount);
  const stateBits = new Uint8Array(8);
  for (let k = 0; k < nk; k++) stateBits[STATE_OF[kinds[k]]] |= 1 << k;
  const count = new Float64Array(stacks * nk);
  const delay = new Float64Array(stacks * nk);
  // The transition that last added to each stack's record (see mergeSamePcs).
  const lastAt = new Float64Array(stacks * nk).fill(-1);
  // Whether a transition into a state with this reason starts tracking, per kind (bit k), decided once per reason.
  const reasonBits = new Int16Array(trace.strings.length).fill(-1);
  const ends = new Float64Array(goCount);
  for (let g = 0; g < goCount; g++) ends[g] = Number.isNaN(stats.end[g]) ? trace.durationNs : stats.end[g];
  for (let i = 0; i < tr.count; i++) {
    const g = tr.g[i];
    const here = stateBits[toState(tr.change[i])];
    let act = active[g];
    // Kinds tracking g whose state g leaves: a record, clipped to g's life.
    const ending = act & ~here;
    if (ending !== 0) {
      act &= ~ending;
      for (let k = 0; k < nk; k++) {
        if ((ending & (1 << k)) === 0) continue;
        const slot = g * nk + k;
        const start = tracking[slot];
        tracking[slot] = -1;
        const d = overlap(stats.start[g], ends[g], base[start >>> TIME_BLOCK_BITS] + offset[start], base[i >>> TIME_BLOCK_BITS] + offset[i]);
        if (d <= 0) continue;
        const at = tr.stack[start] * nk + k;
        count[at]++;
        delay[at] += d;
        lastAt[at] = i;
      }
    }
    // Kinds not tracking g that track the state it enters, if the reason is theirs.
    const maybe = here & ~act;
    if (maybe !== 0) {
      const r = tr.reason[i];
      let bits = reasonBits[r];
      if (bits < 0) {
        bits = 0;
        for (let j = 0; j < nk; j++) if (tracks(kinds[j], trace.strings[r])) bits |= 1 << j;
        reasonBits[r] = bits;
      }
      const starting = maybe & bits;
      if (starting !== 0) {
        act |= starting;
        for (let k = 0; k < nk; k++) if ((starting & (1 << k)) !== 0) tracking[g * nk + k] = i;
      }
    }
    active[g] = act;
  }
  return kinds.map((kind, k) => {
    const byStack = new Map<number, { count: number; delayNs: number }>();
    const last = new Map<number, number>();
    let total = 0;
    let totalDelay = 0;
    for (let st = 0; st < stacks; st++) {
      const c = count[st * nk + k];
      if (c === 0) continue;
      byStack.set(st, { count: c, delayNs: delay[st * nk + k] });
      last.set(st, lastAt[st * nk + k]);
      total += c;
      totalDelay += delay[st * nk + k];
    }
    return { kind, byStack: mergeSamePcs(trace, byStack, last), count: total, delayNs: totalDelay };
  });
}

/**
 * go tool trace keys its records by the stack's program counters, zero-padded to 128: stacks
 * with the same PCs are one record, shown with the frames of the stack that last added to it.
 * In practice this joins "no stack" with a stack of one frame at PC 0 (a goroutine the runtime
 * could not unwind), which pprof then shows as <unknown> or as no row, by which came last.
 */
function mergeSamePcs(trace: GoTrace, byStack: Map<number, { count: number; delayNs: number }>, last: Map<number, number>): Map<number, { count: number; delayNs: number }> {
  const byPcs = new Map<string, number>();
  const merged = new Map<number, { count: number; delayNs: number }>();
  for (const [st, rec] of byStack) {
    let end = trace.stackStart[st + 1];
    while (end > trace.stackStart[st] && trace.framePc[end - 1] === 0) end--;
    const key = Array.from(trace.framePc.subarray(trace.stackStart[st], end)).join(',');
    const other = byPcs.get(key);
    if (other === undefined) {
      byPcs.set(key, st);
      merged.set(st, { ...rec });
      continue;
    }
    const sum = merged.get(other)!;
    sum.count += rec.count;
    sum.delayNs += rec.delayNs;
    if (last.get(st)! > last.get(other)!) {
      merged.delete(other);
      merged.set(st, sum);
      byPcs.set(key, st);
    }
  }
  return merged;
}

/** Overlap of [s1, e1] and [s2, e2], 0 when they do not touch. */
function overlap(s1: number, e1: number, s2: number, e2: number): number {
  if (e1 < s2 || e2 < s1) return 0;
  return Math.min(e1, e2) - Math.max(s1, s2);
}

/** The records as a pprof-like profile (contentions/count, delay/nanoseconds), as go tool trace writes it. */
export function blockingProfile(trace: GoTrace, records: BlockingRecords): Profile {
  const b = new ProfileBuilder({
    sampleTypes: [
      { type: 'contentions', unit: 'count' },
      { type: 'delay', unit: 'nanoseconds' },
    ],
    periodType: { type: 'trace', unit: 'count' },
    period: 1,
    durationNanos: trace.durationNs,
  });
  const locs: number[] = [];
  for (const [stack, rec] of records.byStack) {
    locs.length = 0;
    for (let f = trace.stackStart[stack]; f < trace.stackStart[stack + 1]; f++) {
      locs.push(
        b.frame(trace.strings[trace.frameFunc[f]], { file: trace.strings[trace.frameFile[f]], line: trace.frameLine[f], address: trace.framePc[f] }),
      );
    }
    // No stack: go tool trace writes the sample with no location; pprof counts it in the total
    // but in no row, and leaves it out of the sum the -nodefraction cut is taken from.
    b.addSample(locs, [rec.count, rec.delayNs]);
  }
  return b.build();
}
