// Puts the per-M event streams of each generation into one order and tracks the state of
// every goroutine, P and M, the way the Go runtime's scheduler moved them. Most events do not
// name their goroutine: it is the one bound to the batch's M. An event may only advance when
// its preconditions hold (sequence numbers, states); otherwise another M's next event is tried,
// earliest first. Emitted times are forced to increase strictly, as Go's reader does.

import { FormatError } from '../format-error.js';
import { GoState, METRIC_GOMAXPROCS, METRIC_HEAP_ALLOC, METRIC_HEAP_GOAL, RangeKind } from '../../model/trace.js';
import { BatchCursor } from './batch-cursor.js';
import { Ev, WireGoStatus, WireProcStatus, maxEventType } from './event-types.js';
import { lookup, type IdMap } from './generation-tables.js';
import { grown } from '../growable.js';
import type { TraceBuilder } from './trace-builder.js';
import type { TraceBytes } from './trace-bytes.js';

const NONE = -1;

/** Wire GoStatus → model GoState. */
const GO_STATE_OF_WIRE = [-1, GoState.Runnable, GoState.Running, GoState.Syscall, GoState.Waiting];

interface PState {
  status: number;
  seqGen: number;
  seq: number;
  sweepRow: number;
}

/** What an M holds: a goroutine (dense index) and a P (id), NONE if none. */
interface MState {
  g: number;
  p: number;
}

interface OpenRegion {
  task: number;
  name: number;
  row: number;
}

/**
 * Every goroutine's ordering state, by the builder's dense goroutine index, in typed arrays
 * (one row per goroutine ever mentioned; status 0: the goroutine does not exist now).
 */
class GoroutineStates {
  status = new Uint8Array(64);
  seqGen = new Float64Array(64);
  seq = new Float64Array(64);
  stwRow = new Int32Array(64);
  stwDesc = new Int32Array(64);
  assistRow = new Int32Array(64);
  /** Open user regions, innermost last (only goroutines that have any). */
  readonly regions = new Map<number, OpenRegion[]>();

  /** Room for rows [0, n). */
  ensure(n: number): void {
    if (n <= this.status.length) return;
    let size = this.status.length * 2;
    while (size < n) size *= 2;
    this.status = grown(this.status, size);
    this.seqGen = grown(this.seqGen, size);
    this.seq = grown(this.seq, size);
    this.stwRow = grown(this.stwRow, size);
    this.stwDesc = grown(this.stwDesc, size);
    this.assistRow = grown(this.assistRow, size);
  }

  create(g: number, status: number, gen: number): void {
    this.status[g] = status;
    this.seqGen[g] = gen;
    this.seq[g] = 0;
    this.stwRow[g] = -1;
    this.stwDesc[g] = 0;
    this.assistRow[g] = -1;
    this.regions.delete(g);
  }
}

export interface GenerationInput {
  gen: number;
  startNs: number;
  nsPerTick: number;
  baseNs: number;
  eventBatches: Map<number, import('./generation.js').Batch[]>;
  strings: IdMap;
  stacks: IdMap;
  /** CPU samples sorted by time: time (ns), m, p, g, stack (trace-wide index). */
  cpu: { time: Float64Array; p: Int32Array; g: Float64Array; stack: Int32Array };
}

/**
 * The ordering and its state machine. `advance` dispatches on the event type to one method per
 * event (the frequent ones first, the rest through `advanceRare`), so each keeps its own type
 * feedback and the hot loop stays optimised when a rare event first turns up.
 */
export class TraceOrder {
  private readonly gs = new GoroutineStates();
  private readonly ps = new Map<number, PState>();
  private readonly ms = new Map<number, MState>();
  private readonly activeTasks = new Set<number>();
  private gcSeq = 0;
  /** 0 undetermined, 1 not running, 2 running. */
  private gcState = 0;
  private gcRow = -1;
  private initialGen = 0;
  private gen = 0;
  private genStartNs = 0;
  private strings: IdMap = new Int32Array(1);
  private stacks: IdMap = new Int32Array(1);
  private lastNs = -Infinity;

  constructor(
    private readonly out: TraceBuilder,
    private readonly bytes: TraceBytes,
    private readonly minor: number,
  ) {}

  /** Orders and emits one generation. */
  run(g: GenerationInput): void {
    if (this.initialGen === 0) this.initialGen = g.gen;
    this.gen = g.gen;
    this.strings = g.strings;
    this.stacks = g.stacks;
    this.genStartNs = this.stamp(g.startNs);
    this.out.syncs.push(this.genStartNs);

    const frontier: BatchCursor[] = [];
    const maxType = maxEventType(this.minor);
    for (const [m, batches] of g.eventBatches) {
      const c = new BatchCursor(m, batches, this.bytes, g.nsPerTick, g.baseNs, maxType, this.minor >= 23);
      c.state = this.ms.get(m) ?? null;
      if (c.next()) heapPush(frontier, c);
    }
    const cpu = g.cpu;
    let ci = 0;
    for (;;) {
      if (ci < cpu.time.length && (frontier.length === 0 || cpu.time[ci] < frontier[0].time)) {
        const t = this.stamp(cpu.time[ci]);
        this.out.cpuSample(t, cpu.g[ci], cpu.p[ci], cpu.stack[ci]);
        this.gs.ensure(this.out.goIds.length);
        ci++;
        continue;
      }
      if (frontier.length === 0) break;
      if (this.tryAdvance(frontier, 0)) continue;
      frontier.sort((a, b) => a.time - b.time);
      let ok = false;
      for (let i = 1; i < frontier.length && !ok; i++) ok = this.tryAdvance(frontier, i);
      if (!ok) {
        const c = frontier[0];
        throw new FormatError(`corrupt trace: the events of generation ${g.gen} cannot be put in any consistent order (stuck at event type ${c.type}, byte offset ${c.at})`, c.at);
      }
    }
  }

  private tryAdvance(frontier: BatchCursor[], i: number): boolean {
    const c = frontier[i];
    if (!this.advance(c)) return false;
    if (c.next()) heapFix(frontier, i);
    else heapRemove(frontier, i);
    return true;
  }

  private stamp(t: number): number {
    if (t <= this.lastNs) t = this.lastNs + 1;
    this.lastNs = t;
    this.out.lastTime = t;
    this.out.eventCount++;
    return t;
  }

  private str(id: number, c: BatchCursor): number {
    return lookup(this.strings, id, 'string', c.at);
  }

  private stk(id: number, c: BatchCursor): number {
    return lookup(this.stacks, id, 'stack', c.at);
  }

  private fail(c: BatchCursor, what: string): never {
    throw new FormatError(`corrupt trace: ${what} (event type ${c.type} at byte offset ${c.at})`, c.at);
  }

  private need(c: BatchCursor, m: number, p: number, g: number, reqP: number, reqG: number): void {
    // req: 0 must not have, 1 may have, 2 must have.
    if (m === NONE) this.fail(c, 'an event that needs a thread has none');
    if (reqP === 2 && p === NONE) this.fail(c, 'an event that needs a P has none');
    if (reqP === 0 && p !== NONE) this.fail(c, 'an event that must not hold a P holds one');
    if (reqG === 2 && g === NONE) this.fail(c, 'an event that needs a running goroutine has none');
    if (reqG === 0 && g !== NONE) this.fail(c, 'an event that must not have a goroutine has one');
  }

  /** The goroutine id of dense index g (for messages). */
  private goid(g: number): number {
    return this.out.goIds.get(g);
  }

  /** Dense index of an existing goroutine, else NONE. */
  private existing(goid: number): number {
    const g = this.out.known(goid);
    return g >= 0 && this.gs.status[g] !== 0 ? g : NONE;
  }

  /** Dense index of a goroutine that must exist, or a FormatError. */
  private gState(c: BatchCursor, goid: number): number {
    const g = this.existing(goid);
    if (g === NONE) this.fail(c, `goroutine ${goid} does not exist`);
    return g;
  }

  /** The running goroutine of an M (dense), which must exist. */
  private current(c: BatchCursor, g: number): number {
    if (this.gs.status[g] === 0) this.fail(c, `goroutine ${this.goid(g)} does not exist`);
    return g;
  }

  /** A goroutine comes into existence with a wire status; returns its dense index. */
  private newG(goid: number, status: number): number {
    const g = this.out.g(goid);
    this.gs.ensure(this.out.goIds.length);
    this.gs.create(g, status, this.gen);
    return g;
  }

  private mState(m: number): MState {
    let ms = this.ms.get(m);
    if (!ms) this.ms.set(m, (ms = { g: NONE, p: NONE }));
    return ms;
  }

  /** Advances the cursor's event if its preconditions hold; false to try another M first. */
  private advance(c: BatchCursor): boolean {
    let ms = c.state;
    if (ms === null && c.m !== NONE) c.state = ms = this.mState(c.m);
    switch (c.type) {
      case Ev.GoStart:
        return this.goStart(c, ms);
      case Ev.GoBlock:
      case Ev.GoStop:
        return this.goStopOrBlock(c, ms);
      case Ev.GoUnblock:
        return this.goUnblock(c, ms);
      case Ev.HeapAlloc:
      case Ev.HeapGoal:
        return this.heapMetric(c, ms);
      case Ev.GCSweepBegin:
        return this.sweepBegin(c, ms);
      case Ev.GCSweepEnd:
        return this.sweepEnd(c, ms);
      case Ev.GoSyscallBegin:
        return this.syscallBegin(c, ms);
      case Ev.GoSyscallEnd:
        return this.syscallEnd(c, ms);
      default:
        return this.advanceRare(c, ms);
    }
  }

  // The frequent events.

  /** need() for an M's state: past it, the event has an M, so its state is not null. */
  private needs(c: BatchCursor, ms: MState | null, reqP: number, reqG: number): MState {
    this.need(c, c.m, ms ? ms.p : NONE, ms ? ms.g : NONE, reqP, reqG);
    return ms!;
  }

  private goStart(c: BatchCursor, state: MState | null): boolean {
    const gs = this.gs;
    const g = this.out.known(c.args[0]);
    if (g < 0 || gs.status[g] !== WireGoStatus.Runnable || gs.seqGen[g] !== this.gen || c.args[1] !== gs.seq[g] + 1) return false;
    const ms = this.needs(c, state, 2, 0);
    gs.status[g] = WireGoStatus.Running;
    gs.seq[g] = c.args[1];
    ms.g = g;
    this.out.transition(this.stamp(c.time), g, GoState.Runnable, GoState.Running, 0, 0, 0, ms.p);
    return true;
  }

  private goStopOrBlock(c: BatchCursor, state: MState | null): boolean {
    const ms = this.needs(c, state, 2, 2);
    const g = this.current(c, ms.g);
    if (this.gs.status[g] !== WireGoStatus.Running) this.fail(c, `goroutine ${this.goid(g)} stops but is not running`);
    const reason = this.str(c.args[0], c);
    const stack = this.stk(c.args[1], c);
    const stop = c.type === Ev.GoStop;
    this.gs.status[g] = stop ? WireGoStatus.Runnable : WireGoStatus.Waiting;
    ms.g = NONE;
    this.out.transition(this.stamp(c.time), g, GoState.Running, stop ? GoState.Runnable : GoState.Waiting, reason, stack, stack, ms.p);
    return true;
  }

  private goUnblock(c: BatchCursor, ms: MState | null): boolean {
    const gs = this.gs;
    const g = this.out.known(c.args[0]);
    if (g < 0 || gs.status[g] !== WireGoStatus.Waiting || gs.seqGen[g] !== this.gen || c.args[1] !== gs.seq[g] + 1) return false;
    gs.status[g] = WireGoStatus.Runnable;
    gs.seq[g] = c.args[1];
    const stack = this.stk(c.args[2], c);
    this.out.transition(this.stamp(c.time), g, GoState.Waiting, GoState.Runnable, 0, stack, 0, ms ? ms.p : NONE);
    return true;
  }

  private heapMetric(c: BatchCursor, state: MState | null): boolean {
    this.needs(c, state, 2, 1);
    this.out.metric(this.stamp(c.time), c.type === Ev.HeapAlloc ? METRIC_HEAP_ALLOC : METRIC_HEAP_GOAL, c.args[0]);
    return true;
  }

  private sweepBegin(c: BatchCursor, state: MState | null): boolean {
    const ms = this.needs(c, state, 2, 1);
    this.stk(c.args[0], c);
    const p = this.ps.get(ms.p)!;
    if (p.sweepRow >= 0) this.fail(c, 'a sweep begins twice');
    p.sweepRow = this.out.rangeBegin(RangeKind.Sweep, this.stamp(c.time), ms.p, 0);
    return true;
  }

  private sweepEnd(c: BatchCursor, state: MState | null): boolean {
    const ms = this.needs(c, state, 2, 1);
    const p = this.ps.get(ms.p)!;
    if (p.sweepRow < 0) this.fail(c, 'a sweep ends that did not begin');
    this.out.rangeEnd(p.sweepRow, this.stamp(c.time));
    p.sweepRow = -1;
    return true;
  }

  private syscallBegin(c: BatchCursor, state: MState | null): boolean {
    const ms = this.needs(c, state, 2, 2);
    const g = this.current(c, ms.g);
    if (this.gs.status[g] !== WireGoStatus.Running) this.fail(c, `goroutine ${this.goid(g)} enters a syscall but is not running`);
    this.gs.status[g] = WireGoStatus.Syscall;
    const p = this.ps.get(ms.p);
    if (!p) this.fail(c, `unknown P ${ms.p}`);
    p.status = WireProcStatus.Syscall;
    if (p.seqGen !== this.gen || c.args[0] !== p.seq + 1) this.fail(c, `P ${ms.p} sequence number out of order`);
    p.seq = c.args[0];
    const stack = this.stk(c.args[1], c);
    this.out.transition(this.stamp(c.time), g, GoState.Running, GoState.Syscall, 0, stack, stack, ms.p);
    return true;
  }

  private syscallEnd(c: BatchCursor, state: MState | null): boolean {
    const ms = this.needs(c, state, 2, 2);
    const g = this.current(c, ms.g);
    if (this.gs.status[g] !== WireGoStatus.Syscall) this.fail(c, `goroutine ${this.goid(g)} leaves a syscall it is not in`);
    this.gs.status[g] = WireGoStatus.Running;
    const p = this.ps.get(ms.p);
    if (!p || p.status !== WireProcStatus.Syscall) this.fail(c, `P ${ms.p} is not in a syscall`);
    p.status = WireProcStatus.Running;
    this.out.transition(this.stamp(c.time), g, GoState.Syscall, GoState.Running, 0, 0, 0, ms.p);
    return true;
  }

  /** Every other event: status events at generation starts, Ps, creation, GC, user annotations. */
  private advanceRare(c: BatchCursor, ms: MState | null): boolean {
    const m = c.m;
    const curP = ms ? ms.p : NONE;
    const curG = ms ? ms.g : NONE;
    let newP = curP;
    let newG = curG;
    const out = this.out;
    const gen = this.gen;
    const gs = this.gs;

    switch (c.type) {
      case Ev.ProcStatus: {
        const pid = c.args[0];
        const status = c.args[1];
        if (status <= 0 || status > WireProcStatus.SyscallAbandoned) this.fail(c, `invalid status ${status} for P ${pid}`);
        const s = this.ps.get(pid);
        if (s) {
          // SyscallAbandoned of a P known to be in a syscall (or already abandoned) changes nothing.
          const abandoned = status === WireProcStatus.SyscallAbandoned && (s.status === WireProcStatus.Syscall || s.status === WireProcStatus.SyscallAbandoned);
          if (!abandoned && s.status !== status) this.fail(c, `inconsistent status for P ${pid}`);
          s.seqGen = gen;
          s.seq = 0;
        } else {
          this.ps.set(pid, { status, seqGen: gen, seq: 0, sweepRow: -1 });
        }
        if (status === WireProcStatus.Running || status === WireProcStatus.Syscall) newP = pid;
        const t = this.stamp(c.time);
        // A P first seen idle: for the accounting, a transition into Idle.
        if (!s && (status === WireProcStatus.Idle || status === WireProcStatus.SyscallAbandoned)) out.procIdled(t, pid);
        break;
      }
      case Ev.ProcStart: {
        const pid = c.args[0];
        const s = this.ps.get(pid);
        if (!s || s.status !== WireProcStatus.Idle || s.seqGen !== gen || c.args[1] !== s.seq + 1 || curP !== NONE) return false;
        this.need(c, m, curP, curG, 0, 1);
        s.status = WireProcStatus.Running;
        s.seq = c.args[1];
        newP = pid;
        this.stamp(c.time);
        break;
      }
      case Ev.ProcStop: {
        const s = this.ps.get(curP);
        if (!s) this.fail(c, `ProcStop for a P (${curP}) that does not exist`);
        if (s.status !== WireProcStatus.Running && s.status !== WireProcStatus.Syscall) this.fail(c, 'ProcStop for a P that is not running');
        this.need(c, m, curP, curG, 2, 1);
        s.status = WireProcStatus.Idle;
        newP = NONE;
        out.procIdled(this.stamp(c.time), curP);
        break;
      }
      case Ev.ProcSteal: {
        const pid = c.args[0];
        const s = this.ps.get(pid);
        if (!s || (s.status !== WireProcStatus.Syscall && s.status !== WireProcStatus.SyscallAbandoned) || s.seqGen !== gen || c.args[1] !== s.seq + 1) return false;
        this.need(c, m, curP, curG, 1, 1);
        const old = s.status;
        s.status = WireProcStatus.Idle;
        s.seq = c.args[1];
        if (old !== WireProcStatus.SyscallAbandoned) {
          const victim = c.args[2];
          if (victim === m) {
            if (curP !== pid) this.fail(c, `P ${pid} stolen from its own thread, which holds P ${curP}`);
            newP = NONE;
          } else {
            const vm = this.ms.get(victim);
            if (!vm) this.fail(c, `P stolen from an unknown thread ${victim}`);
            if (vm.p !== pid) this.fail(c, `P ${pid} stolen from thread ${victim}, which holds P ${vm.p}`);
            vm.p = NONE;
          }
        }
        const t = this.stamp(c.time);
        if (old !== WireProcStatus.SyscallAbandoned) out.procIdled(t, pid);
        break;
      }
      case Ev.GoStatus:
      case Ev.GoStatusStack: {
        const gid = c.args[0];
        const mid = c.args[1];
        const status = c.args[2];
        if (status <= 0 || status > WireGoStatus.Waiting) this.fail(c, `invalid status ${status} for goroutine ${gid}`);
        const stack = c.type === Ev.GoStatusStack ? this.stk(c.args[3], c) : 0;
        let g = this.existing(gid);
        let from: number;
        if (g !== NONE) {
          if (gs.status[g] !== status) this.fail(c, `inconsistent status for goroutine ${gid}`);
          gs.seqGen[g] = gen;
          gs.seq[g] = 0;
          from = GO_STATE_OF_WIRE[status];
        } else if (gen === this.initialGen) {
          g = this.newG(gid, status);
          from = GoState.Undetermined;
        } else {
          this.fail(c, `status of a new goroutine ${gid} after the first generation`);
        }
        if (status === WireGoStatus.Running) newG = g;
        else if (status === WireGoStatus.Syscall) {
          if (mid === NONE) this.fail(c, `goroutine ${gid} in a syscall without a thread`);
          if (mid === m) {
            if (gen !== this.initialGen && curG !== g) this.fail(c, `inconsistent thread for syscalling goroutine ${gid}`);
            newG = g;
          } else {
            const other = this.ms.get(mid);
            if (!other) this.ms.set(mid, { g, p: NONE });
            else if (other.g !== g) this.fail(c, `inconsistent thread for syscalling goroutine ${gid}`);
          }
        }
        const t = this.stamp(c.time);
        const to = GO_STATE_OF_WIRE[status];
        if (from !== to) out.transition(t, g, from, to, 0, stack, stack, curP);
        break;
      }
      case Ev.GoCreate:
      case Ev.GoCreateBlocked: {
        this.need(c, m, curP, curG, 2, 1);
        if (curG !== NONE && gs.status[curG] !== 0 && gs.status[curG] !== WireGoStatus.Running) this.fail(c, 'a goroutine that is not running created another');
        const gid = c.args[0];
        if (this.existing(gid) !== NONE) this.fail(c, `goroutine ${gid} created twice`);
        const blocked = c.type === Ev.GoCreateBlocked;
        const g = this.newG(gid, blocked ? WireGoStatus.Waiting : WireGoStatus.Runnable);
        const startStack = this.stk(c.args[1], c);
        const stack = this.stk(c.args[2], c);
        out.transition(this.stamp(c.time), g, GoState.NotExist, blocked ? GoState.Waiting : GoState.Runnable, 0, stack, startStack, curP);
        break;
      }
      case Ev.GoCreateSyscall: {
        this.need(c, m, curP, curG, 1, 0);
        const gid = c.args[0];
        if (this.existing(gid) !== NONE) this.fail(c, `goroutine ${gid} created twice`);
        const g = this.newG(gid, WireGoStatus.Syscall);
        newG = g;
        out.transition(this.stamp(c.time), g, GoState.NotExist, GoState.Syscall, 0, 0, 0, curP);
        break;
      }
      case Ev.GoDestroy: {
        this.need(c, m, curP, curG, 2, 2);
        const g = this.current(c, curG);
        if (gs.status[g] !== WireGoStatus.Running) this.fail(c, `goroutine ${this.goid(g)} stops but is not running`);
        newG = NONE;
        gs.status[g] = 0;
        out.transition(this.stamp(c.time), g, GoState.Running, GoState.NotExist, 0, 0, 0, curP);
        break;
      }
      case Ev.GoSwitch:
      case Ev.GoSwitchDestroy: {
        this.need(c, m, curP, curG, 2, 2);
        const cur = this.current(c, curG);
        if (gs.status[cur] !== WireGoStatus.Running) this.fail(c, `goroutine ${this.goid(cur)} switches away but is not running`);
        const next = this.out.known(c.args[0]);
        if (next < 0 || gs.status[next] !== WireGoStatus.Waiting || gs.seqGen[next] !== gen || c.args[1] !== gs.seq[next] + 1) return false;
        out.transition(this.stamp(c.time), next, GoState.Waiting, GoState.Runnable, 0, 0, 0, curP);
        if (c.type === Ev.GoSwitch) {
          gs.status[cur] = WireGoStatus.Waiting;
          out.transition(this.stamp(c.time), cur, GoState.Running, GoState.Waiting, 0, 0, 0, curP);
        } else {
          gs.status[cur] = 0;
          out.transition(this.stamp(c.time), cur, GoState.Running, GoState.NotExist, 0, 0, 0, curP);
        }
        gs.status[next] = WireGoStatus.Running;
        gs.seq[next] = c.args[1];
        newG = next;
        out.transition(this.stamp(c.time), next, GoState.Runnable, GoState.Running, 0, 0, 0, curP);
        break;
      }
      case Ev.GoSyscallEndBlocked: {
        if (curP !== NONE) {
          const p = this.ps.get(curP);
          if (!p) this.fail(c, `unknown P ${curP}`);
          if (p.status === WireProcStatus.Syscall) return false;
        }
        this.need(c, m, curP, curG, 1, 2);
        const g = this.current(c, curG);
        if (gs.status[g] !== WireGoStatus.Syscall) this.fail(c, `goroutine ${this.goid(g)} leaves a syscall it is not in`);
        gs.status[g] = WireGoStatus.Runnable;
        newG = NONE;
        out.transition(this.stamp(c.time), g, GoState.Syscall, GoState.Runnable, 0, 0, 0, curP);
        break;
      }
      case Ev.GoDestroySyscall: {
        this.need(c, m, curP, curG, 1, 2);
        const g = this.current(c, curG);
        if (gs.status[g] !== WireGoStatus.Syscall) this.fail(c, `goroutine ${this.goid(g)} exits a syscall it is not in`);
        gs.status[g] = 0;
        newG = NONE;
        if (curP !== NONE) {
          const p = this.ps.get(curP);
          if (!p || p.status !== WireProcStatus.Syscall) this.fail(c, `P ${curP} is not in a syscall`);
          p.status = WireProcStatus.SyscallAbandoned;
          newP = NONE;
          out.procIdled(this.stamp(c.time), curP);
        }
        out.transition(this.stamp(c.time), g, GoState.Syscall, GoState.NotExist, 0, 0, 0, curP);
        break;
      }
      case Ev.STWBegin:
      case Ev.GCMarkAssistBegin: {
        this.need(c, m, curP, curG, 2, 2);
        const g = this.current(c, curG);
        const stw = c.type === Ev.STWBegin;
        const desc = stw ? this.str(c.args[0], c) : 0;
        if (stw ? gs.stwRow[g] >= 0 : gs.assistRow[g] >= 0) this.fail(c, 'a range begins twice');
        const row = out.rangeBegin(stw ? RangeKind.Stw : RangeKind.MarkAssist, this.stamp(c.time), g, desc);
        if (stw) {
          gs.stwRow[g] = row;
          gs.stwDesc[g] = desc;
        } else gs.assistRow[g] = row;
        break;
      }
      case Ev.STWEnd:
      case Ev.GCMarkAssistEnd: {
        this.need(c, m, curP, curG, 2, 2);
        const g = this.current(c, curG);
        const stw = c.type === Ev.STWEnd;
        const row = stw ? gs.stwRow[g] : gs.assistRow[g];
        if (row < 0) this.fail(c, 'a range ends that did not begin');
        out.rangeEnd(row, this.stamp(c.time));
        if (stw) gs.stwRow[g] = -1;
        else gs.assistRow[g] = -1;
        break;
      }
      case Ev.GCMarkAssistActive: {
        const g = this.gState(c, c.args[0]);
        if (gen === this.initialGen) {
          if (gs.assistRow[g] >= 0) this.fail(c, 'an active range is already in progress');
          gs.assistRow[g] = out.rangeBegin(RangeKind.MarkAssist, this.genStartNs, g, 0);
        } else if (gs.assistRow[g] < 0) this.fail(c, 'an active range is missing');
        this.stamp(c.time);
        break;
      }
      case Ev.GCActive: {
        const seq = c.args[0];
        if (gen === this.initialGen) {
          if (this.gcState !== 0) this.fail(c, 'GCActive is not the first GC event');
          this.gcRow = out.rangeBegin(RangeKind.GcMark, this.genStartNs, NONE, 0);
        } else {
          if (seq !== this.gcSeq + 1) return false;
          if (this.gcState !== 2) this.fail(c, 'GCActive while no GC is running');
        }
        this.gcSeq = seq;
        this.gcState = 2;
        this.stamp(c.time);
        break;
      }
      case Ev.GCBegin: {
        const seq = c.args[0];
        if (this.gcState !== 0) {
          if (seq !== this.gcSeq + 1) return false;
          if (this.gcState === 2) this.fail(c, 'GCBegin while a GC is running');
        }
        this.stk(c.args[1], c);
        this.gcSeq = seq;
        this.gcState = 2;
        out.gcCount++;
        this.gcRow = out.rangeBegin(RangeKind.GcMark, this.stamp(c.time), NONE, 0);
        break;
      }
      case Ev.GCEnd: {
        const seq = c.args[0];
        if (seq !== this.gcSeq + 1) return false;
        if (this.gcState !== 2) this.fail(c, 'GCEnd while no GC is running');
        this.gcSeq = seq;
        this.gcState = 1;
        out.rangeEnd(this.gcRow, this.stamp(c.time));
        this.gcRow = -1;
        break;
      }
      case Ev.GCSweepActive: {
        const p = this.ps.get(c.args[0]);
        if (!p) this.fail(c, `sweep active on an unknown P ${c.args[0]}`);
        if (gen === this.initialGen) {
          if (p.sweepRow >= 0) this.fail(c, 'an active range is already in progress');
          p.sweepRow = out.rangeBegin(RangeKind.Sweep, this.genStartNs, c.args[0], 0);
        } else if (p.sweepRow < 0) this.fail(c, 'an active range is missing');
        this.stamp(c.time);
        break;
      }
      case Ev.ProcsChange:
        this.need(c, m, curP, curG, 2, 2);
        this.stk(c.args[1], c);
        out.metric(this.stamp(c.time), METRIC_GOMAXPROCS, c.args[0]);
        break;
      case Ev.GoLabel:
        this.need(c, m, curP, curG, 2, 2);
        out.label(this.stamp(c.time), curG, this.str(c.args[0], c));
        break;
      case Ev.UserTaskBegin: {
        if (this.activeTasks.has(c.args[0])) this.fail(c, `task id ${c.args[0]} begins twice`);
        const name = this.str(c.args[2], c);
        this.stk(c.args[3], c);
        this.need(c, m, curP, curG, 2, 2);
        this.activeTasks.add(c.args[0]);
        out.taskBegin(this.stamp(c.time), c.args[0], c.args[1], name);
        break;
      }
      case Ev.UserTaskEnd:
        this.stk(c.args[1], c);
        this.need(c, m, curP, curG, 2, 2);
        this.activeTasks.delete(c.args[0]);
        out.taskEnd(this.stamp(c.time), c.args[0]);
        break;
      case Ev.UserRegionBegin: {
        this.need(c, m, curP, curG, 2, 2);
        const name = this.str(c.args[1], c);
        this.stk(c.args[2], c);
        const g = this.current(c, curG);
        let open = gs.regions.get(g);
        if (!open) gs.regions.set(g, (open = []));
        open.push({ task: c.args[0], name, row: out.regionBegin(this.stamp(c.time), g, c.args[0], name) });
        break;
      }
      case Ev.UserRegionEnd: {
        this.need(c, m, curP, curG, 2, 2);
        const name = this.str(c.args[1], c);
        this.stk(c.args[2], c);
        const g = this.current(c, curG);
        const t = this.stamp(c.time);
        const open = gs.regions.get(g);
        const top = open?.[open.length - 1];
        if (top) {
          if (top.task !== c.args[0] || top.name !== name) this.fail(c, `region end does not match the innermost region of goroutine ${this.goid(g)}`);
          open!.pop();
          out.regionEnd(top.row, t);
        }
        break;
      }
      case Ev.UserLog: {
        this.need(c, m, curP, curG, 2, 2);
        const key = this.str(c.args[1], c);
        const value = this.str(c.args[2], c);
        this.stk(c.args[3], c);
        out.log(this.stamp(c.time), curG, c.args[0], key, value);
        break;
      }
      default:
        if (c.type >= Ev.FirstExperimental && c.type <= Ev.LastExperimental) {
          if (m === NONE) this.fail(c, 'an event that needs a thread has none');
          this.stamp(c.time);
          break;
        }
        this.fail(c, 'an event type that cannot appear in an event batch');
    }
    if (ms) {
      ms.p = newP;
      ms.g = newG;
    }
    return true;
  }
}

// A binary min-heap of cursors by their current event's time.

function heapPush(h: BatchCursor[], c: BatchCursor): void {
  h.push(c);
  siftUp(h, h.length - 1);
}

function heapFix(h: BatchCursor[], i: number): void {
  siftDown(h, siftUp(h, i));
}

function heapRemove(h: BatchCursor[], i: number): void {
  const last = h.pop()!;
  if (i < h.length) {
    h[i] = last;
    heapFix(h, i);
  }
}

function siftUp(h: BatchCursor[], i: number): number {
  const c = h[i];
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (h[parent].time <= c.time) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = c;
  return i;
}

function siftDown(h: BatchCursor[], i: number): void {
  const c = h[i];
  const n = h.length;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && h[child + 1].time < h[child].time) child++;
    if (h[child].time >= c.time) break;
    h[i] = h[child];
    i = child;
  }
  h[i] = c;
}
