// `perf script` text → Profile. Each record (`comm pid/tid [cpu] time: period event:` and its
// frame lines, leaf first, up to a blank line) is one sample whose stack ends, at the root, in
// a frame named after the process (as stackcollapse-perf.pl and FlameGraph show it).
//
// Sample types: "samples" (count) and, when records carry a period, the period summed, named
// after the event ("cpu-clock" in nanoseconds, "cycles" in count). A file with several events
// gets that pair per event ("cycles_samples", "cycles", "instructions_samples", ...); the
// default type is the first event's, which is what stackcollapse-perf counts by default.
// Labels: comm (string), pid (when perf printed pid/tid), tid, cpu (when printed).
// Frames keep their module as the location's mapping (kernel and JIT frames are told apart
// from it) and "caller->callee" inline chains become one location with inlined lines.

import { ProfileBuilder } from '../../model/profile-builder.js';
import type { Profile, ValueType } from '../../model/profile.js';
import { FormatError } from '../format-error.js';
import { detached, LineSplitter, type LineBytesFilter } from '../text-lines.js';
import { FrameLineCache } from './frame-line-cache.js';
import { perfFrameNames, stripOffset } from './perf-frames.js';
import {
  flatRecordFrameStart, isSpace, looseEventName, parseEventField, parseRecordExtras, parseRecordHeader, parseStackLine, scanRecordLineBytes,
  type EventField, type RecordExtras, type RecordLineScan,
} from './perf-lines.js';
import { MIN_BLOCK_BYTES, RecordBlockCache } from './record-block-cache.js';

export interface PerfScriptOptions {
  /**
   * Drop a last record that no blank line closes, as stackcollapse-perf.pl does. Off by
   * default: perf ends every record with a blank line, but files are often saved without it.
   */
  dropUnclosedLastRecord?: boolean;
}

/** Comments gpw adds to a perf profile: warnings start with this. */
export const PERF_WARNING_PREFIX = 'warning: ';

const HEADER_KEYS: Partial<Record<string, string>> = {
  'captured on': 'captured on',
  hostname: 'hostname',
  'os release': 'os release',
  'perf version': 'perf version',
  arch: 'arch',
  cmdline: 'cmdline',
};

const TRIE_KEY = 2 ** 26;
/** At most this many distinct frame lines are remembered (memory: a capture of a huge program). */
const FRAME_LINES_KEPT = 500_000;
const AGG_NODE_LIMIT = 2 ** 30;
const AGG_LABELS_LIMIT = 2 ** 16;
const AGG_EVENTS_LIMIT = 2 ** 6;
const MAX_REPORTED_LINES = 5;
/** At most this many record kinds are remembered with their bytes, and this many share a hash. */
const KINDS_KEPT = 4096;
const MAX_KIND_CHAIN = 8;

interface EventInfo {
  name: string;
  hasPeriod: boolean;
  /** The period of the event's records when they all have the same one, else 0. */
  period: number;
}

/**
 * What a record line says apart from its cpu and time: the same for all the records of a thread
 * and event (comm, pid/tid, period, event), so most record lines are one of a few kinds.
 */
interface RecordKind {
  event: number;
  /** The line printed a period. */
  hasPeriod: boolean;
  period: number;
  pname: string;
  javaProcess: boolean;
  /** The label set per cpu (-1: not printed), shared by the kinds of one command and pid/tid. */
  byCpu: Map<number, number>;
  comm: string;
  first: string;
  second: string;
}

/**
 * A kind read from an ASCII record line, kept with that line's bytes up to its pid/tid (`head`)
 * and from the time's ":" on (`tail`): a line with the same head and tail, whatever its cpu and
 * time (scanRecordLineBytes), is of that kind, and is read without being decoded.
 */
interface KindTemplate {
  head: Uint8Array;
  tail: Uint8Array;
  kind: RecordKind;
  next: KindTemplate | undefined;
}

/** A record line's bytes as the bytes of a kind seen before. */
function bytesHash(b: Uint8Array, start: number, end: number, h: number): number {
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + b[i]) | 0;
  return h;
}

function sameBytes(k: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (k.length !== end - start) return false;
  for (let i = 0; i < k.length; i++) if (k[i] !== b[start + i]) return false;
  return true;
}

class PerfScriptReader implements LineBytesFilter {
  readonly builder = new ProfileBuilder();
  // Current record.
  private pname: string | null = null;
  private javaProcess = false;
  private stackNode = 0;
  private event = 0;
  private period = 1;
  private labelSet = 0;
  // Stacks: a trie of locations from the leaf up; node 0 is the empty stack.
  private readonly nodeParent: number[] = [-1];
  private readonly nodeLoc: number[] = [-1];
  private readonly trie = new Map<number, number>();
  /** Per node, the child taken last and its location: stacks repeat, so most steps need no lookup. */
  private readonly lastChild: number[] = [0];
  private readonly lastChildLoc: number[] = [-2];
  // Sums per (stack, labels, event).
  private readonly aggIds = new Map<number | string, number>();
  private readonly aggNode: number[] = [];
  private readonly aggLabels: number[] = [];
  private readonly aggEvent: number[] = [];
  private readonly aggCount: number[] = [];
  private readonly aggPeriod: number[] = [];
  // Interning caches.
  private readonly frameLocs = new Map<string, number>();
  /**
   * Whole frame lines seen before (pc, symbol, module: a program has a bounded number), per
   * java/other process, → location (-1: skipped): most lines are one lookup, not a parse.
   */
  private readonly frameLines = [new FrameLineCache(), new FrameLineCache()];
  private readonly rootLocs = new Map<string, number>();
  /** Kinds of record lines read before, by a hash of their bytes (KindTemplate). */
  private readonly kinds = new Map<number, KindTemplate>();
  private kindCount = 0;
  private lastKind: KindTemplate | null = null;
  private readonly scan: RecordLineScan = { headEnd: 0, colon: 0, cpu: -1, time: -1 };
  /** Record blocks seen before, per java/other process (record-block-cache.ts). */
  private readonly blocks = [new RecordBlockCache(), new RecordBlockCache()];
  /**
   * Where the current record's frame lines start (its piece of the file and the index in it),
   * and whether all its lines so far were frames pushed from an empty stack: then, when a blank
   * line ends it in the same piece, its block is remembered.
   */
  private recordBytes: Uint8Array | null = null;
  private recordPiece = -1;
  private recordStart = 0;
  private recordClean = false;
  /** Pieces of the file pushed so far (a caller may refill one buffer). */
  piece = 0;
  /** Lines taken by the last take() that went past its line (LineBytesFilter). */
  lines = 1;
  private readonly labelSetIds = new Map<string, Map<number, number>>();
  private readonly labelSets: number[][] = [];
  private readonly events: EventInfo[] = [];
  private readonly eventIds = new Map<string, number>();

  records = 0;
  private minTime = Infinity;
  private maxTime = -Infinity;
  private readonly header: string[] = [];
  private capturedOn = '';
  private unrecognised = 0;
  private readonly unrecognisedLines: number[] = [];
  lastLineUnrecognised = false;

  line(line: string, lineNo: number): void {
    this.lastLineUnrecognised = false;
    if (line.charCodeAt(0) === 35) {
      this.recordClean = false;
      this.headerLine(line);
      return;
    }
    if (line.length === 0) {
      if (this.pname !== null) this.closeRecord();
      return;
    }
    const head = parseRecordHeader(line);
    if (head) {
      this.openRecord(line, head.comm, head.first, head.second, head.end);
      return;
    }
    if (this.pname === null && isSpace(line.charCodeAt(0)) && this.flatRecord(line)) return;
    const frame = parseStackLine(line);
    if (frame) {
      if (this.pname === null) return;
      const loc = this.frameLocation(frame.rawFunc, frame.module);
      if (loc >= 0) this.push(loc);
      const lines = this.frameLines[this.javaProcess ? 1 : 0];
      if (lines.size < FRAME_LINES_KEPT) lines.set(line, loc);
      return;
    }
    this.unrecognised++;
    this.recordClean = false;
    this.lastLineUnrecognised = true;
    if (this.unrecognisedLines.length < MAX_REPORTED_LINES) this.unrecognisedLines.push(lineNo);
  }

  /**
   * Before a line is decoded (text-lines.ts LineBytesFilter), what can be read from its bytes: a
   * frame line seen before (its location again), a record line of a kind seen before and, after
   * it, a block of frame lines seen before (its stack again), a blank line ending a record. Most
   * lines of a capture are one of these and never become strings.
   */
  take(bytes: Uint8Array, start: number, end: number, next: number): number {
    if (start === end) {
      if (this.pname === null) return -1;
      this.lastLineUnrecognised = false;
      if (this.recordClean && bytes === this.recordBytes && this.recordPiece === this.piece && bytes[start] === 10) {
        this.blocks[this.javaProcess ? 1 : 0].add(bytes, this.recordStart, start, this.stackNode);
      }
      this.closeRecord();
      return next;
    }
    const c = bytes[start];
    if (isSpace(c)) {
      if (this.pname === null) return -1;
      const known = this.frameLines[this.javaProcess ? 1 : 0].get(bytes, start, end);
      if (known === undefined) return -1;
      this.lastLineUnrecognised = false;
      if (known >= 0) this.push(known);
      return next;
    }
    if (c === 35) return -1;
    // Perhaps a record line: its frame lines would start at `next`.
    this.recordBytes = bytes;
    this.recordPiece = this.piece;
    this.recordStart = next;
    const kind = this.knownKind(bytes, start, end);
    if (kind === undefined) return -1;
    this.lastLineUnrecognised = false;
    this.beginRecord(kind, this.scan.cpu, this.scan.time);
    return this.takeBlock(bytes, next);
  }

  /** The kind of the record line `bytes[start, end)` when a line with its head and tail was read before (this.scan: its cpu and time). */
  private knownKind(bytes: Uint8Array, start: number, end: number): RecordKind | undefined {
    const scan = this.scan;
    if (this.kindCount === 0 || !scanRecordLineBytes(bytes, start, end, scan)) return undefined;
    // Records of one thread and event often follow each other: the last kind is tried first.
    const last = this.lastKind;
    if (last !== null && sameBytes(last.head, bytes, start, scan.headEnd) && sameBytes(last.tail, bytes, scan.colon, end)) return last.kind;
    const h = bytesHash(bytes, start, scan.headEnd, bytesHash(bytes, scan.colon, end, 0));
    for (let t = this.kinds.get(h); t !== undefined; t = t.next) {
      if (sameBytes(t.head, bytes, start, scan.headEnd) && sameBytes(t.tail, bytes, scan.colon, end)) {
        this.lastKind = t;
        return t.kind;
      }
    }
    return undefined;
  }

  /** After a record line taken from its bytes: its frame lines as a block seen before, if they are one. */
  private takeBlock(bytes: Uint8Array, next: number): number {
    if (!this.recordClean || next + MIN_BLOCK_BYTES > bytes.length) return next;
    const c = bytes[next];
    if (c === 10 || c === 13 || !isSpace(c)) return next;
    const block = this.blocks[this.javaProcess ? 1 : 0].find(bytes, next);
    if (block === undefined) return next;
    this.stackNode = block.node;
    this.recordClean = false;
    this.lines = 1 + block.lines;
    return next + block.bytes.length;
  }

  /** A one-line sample of a recording without call graphs: its one frame is where it was taken. */
  private flatRecord(line: string): boolean {
    const trimmed = line.trimStart();
    const head = parseRecordHeader(trimmed);
    if (!head) return false;
    const frameStart = flatRecordFrameStart(trimmed, head.end);
    if (frameStart < 0) return false;
    const frame = parseStackLine(trimmed.slice(frameStart));
    if (!frame) return false;
    this.openRecord(trimmed.slice(0, frameStart), head.comm, head.first, head.second, head.end);
    const loc = this.frameLocation(frame.rawFunc, frame.module);
    if (loc >= 0) this.push(loc);
    this.closeRecord();
    return true;
  }

  /** At the end of input: a record still open is kept unless asked otherwise. */
  end(dropUnclosed: boolean): void {
    if (this.pname !== null && !dropUnclosed) this.closeRecord();
  }

  private headerLine(line: string): void {
    // perf script --header: "# captured on    : Thu Aug 17 14:14:43 2017"
    const colon = line.indexOf(':');
    if (colon < 0 || colon > 40) return;
    const key = HEADER_KEYS[line.slice(1, colon).trim()];
    if (!key) return;
    const value = line.slice(colon + 1, colon + 1 + 4096).trim();
    if (key === 'captured on') this.capturedOn = value;
    this.header.push(`${key}: ${value}`);
  }

  private openRecord(line: string, comm: string, first: string, second: string, end: number): void {
    const ev = parseEventField(line);
    const eventName = ev ? ev.event : looseEventName(line, end);
    const periodText = ev ? ev.period : '';
    let event = this.eventIds.get(eventName);
    if (event === undefined) {
      event = this.events.length;
      this.events.push({ name: detached(eventName), hasPeriod: false, period: -1 });
      this.eventIds.set(this.events[event].name, event);
    }
    const head = line.slice(0, end);
    let byCpu = this.labelSetIds.get(head);
    if (byCpu === undefined) this.labelSetIds.set(detached(head), (byCpu = new Map()));
    const pname = comm.replaceAll(' ', '_');
    const kind: RecordKind = {
      event,
      hasPeriod: periodText !== '',
      // stackcollapse-perf counts a record without a period (or with "0") as 1.
      period: periodText === '' || periodText === '0' ? 1 : Number(periodText),
      pname,
      javaProcess: pname.startsWith('java'),
      byCpu,
      comm: detached(comm),
      first,
      second,
    };
    const extras = parseRecordExtras(line, end);
    this.beginRecord(kind, extras.cpu, extras.time);
    if (ev) this.rememberKind(line, end, ev, extras, kind);
  }

  private beginRecord(kind: RecordKind, cpu: number, time: number): void {
    const info = this.events[kind.event];
    if (kind.hasPeriod) info.hasPeriod = true;
    info.period = info.period === -1 || info.period === kind.period ? kind.period : 0;
    this.event = kind.event;
    this.period = kind.period;
    // A record line inside a record (no blank line before it) goes on with that record's stack.
    this.recordClean = this.pname === null;
    this.pname = kind.pname;
    this.javaProcess = kind.javaProcess;
    if (time >= 0) {
      if (time < this.minTime) this.minTime = time;
      if (time > this.maxTime) this.maxTime = time;
    }
    let labelSet = kind.byCpu.get(cpu);
    if (labelSet === undefined) {
      const b = this.builder;
      const labels = [b.label('comm', kind.comm)];
      if (kind.second !== '') labels.push(b.label('pid', Number(kind.first)), b.label('tid', Number(kind.second)));
      else labels.push(b.label('tid', Number(kind.first)));
      if (cpu >= 0) labels.push(b.label('cpu', cpu));
      labelSet = this.labelSets.length;
      this.labelSets.push(labels);
      kind.byCpu.set(cpu, labelSet);
    }
    this.labelSet = labelSet;
    this.records++;
  }

  /**
   * Keeps the kind of an ASCII record line with the bytes that tell it (KindTemplate) when
   * scanRecordLineBytes reads the line as the text parsers did.
   */
  private rememberKind(line: string, end: number, ev: EventField, extras: RecordExtras, kind: RecordKind): void {
    if (this.kindCount >= KINDS_KEPT) return;
    for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 127) return;
    const bytes = Buffer.from(line, 'latin1');
    const scan = this.scan;
    if (!scanRecordLineBytes(bytes, 0, bytes.length, scan)) return;
    if (scan.headEnd !== end || scan.colon !== ev.colon || scan.cpu !== extras.cpu || scan.time !== extras.time) return;
    const h = bytesHash(bytes, 0, end, bytesHash(bytes, scan.colon, bytes.length, 0));
    const first = this.kinds.get(h);
    let chain = 0;
    for (let t = first; t !== undefined; t = t.next) if (++chain >= MAX_KIND_CHAIN) return;
    this.kinds.set(h, { head: bytes.subarray(0, end), tail: bytes.subarray(scan.colon), kind, next: first });
    this.kindCount++;
  }

  private closeRecord(): void {
    this.push(this.rootLocation(this.pname!));
    // A number while it fits exactly (it nearly always does), else text.
    const key =
      this.stackNode < AGG_NODE_LIMIT && this.labelSet < AGG_LABELS_LIMIT && this.event < AGG_EVENTS_LIMIT
        ? (this.stackNode * AGG_LABELS_LIMIT + this.labelSet) * AGG_EVENTS_LIMIT + this.event
        : `${this.stackNode}:${this.labelSet}:${this.event}`;
    let agg = this.aggIds.get(key);
    if (agg === undefined) {
      agg = this.aggNode.length;
      this.aggIds.set(key, agg);
      this.aggNode.push(this.stackNode);
      this.aggLabels.push(this.labelSet);
      this.aggEvent.push(this.event);
      this.aggCount.push(0);
      this.aggPeriod.push(0);
    }
    this.aggCount[agg]++;
    this.aggPeriod[agg] += this.period;
    this.stackNode = 0;
    this.pname = null;
  }

  private push(loc: number): void {
    const parent = this.stackNode;
    if (this.lastChildLoc[parent] === loc) {
      this.stackNode = this.lastChild[parent];
      return;
    }
    const key = parent * TRIE_KEY + loc;
    let node = this.trie.get(key);
    if (node === undefined) {
      node = this.nodeParent.length;
      this.nodeParent.push(parent);
      this.nodeLoc.push(loc);
      this.lastChild.push(0);
      this.lastChildLoc.push(-2);
      this.trie.set(key, node);
    }
    this.lastChild[parent] = node;
    this.lastChildLoc[parent] = loc;
    this.stackNode = node;
  }

  private frameLocation(rawFunc: string, module: string): number {
    const func = stripOffset(rawFunc);
    const key = this.javaProcess ? `j${func}\0${module}` : `-${func}\0${module}`;
    let loc = this.frameLocs.get(key);
    if (loc === undefined) {
      const names = perfFrameNames(func, module, this.javaProcess);
      if (names.length === 0) loc = -1;
      else {
        const b = this.builder;
        const fns = names.map((name) => b.func(name)).reverse();
        loc = b.location(fns, [], b.mapping(module));
      }
      this.frameLocs.set(key, loc);
    }
    return loc;
  }

  private rootLocation(pname: string): number {
    let loc = this.rootLocs.get(pname);
    if (loc === undefined) {
      loc = this.builder.frame(pname);
      this.rootLocs.set(detached(pname), loc);
    }
    return loc;
  }

  /** The sample types, and for each event the column of its count and of its period (-1). */
  private sampleTypes(): { types: ValueType[]; countCol: number[]; periodCol: number[] } {
    const types: ValueType[] = [];
    const countCol: number[] = [];
    const periodCol: number[] = [];
    const single = this.events.length === 1;
    for (const e of this.events) {
      const name = e.name || 'events';
      countCol.push(types.length);
      types.push({ type: single || !e.name ? 'samples' : `${e.name}_samples`, unit: 'count' });
      periodCol.push(e.hasPeriod ? types.length : -1);
      if (e.hasPeriod) types.push({ type: name, unit: periodUnit(name) });
    }
    return { types, countCol, periodCol };
  }

  finish(): Profile {
    const b = this.builder;
    const { types, countCol, periodCol } = this.sampleTypes();
    const first = periodCol[0] >= 0 ? periodCol[0] : countCol[0];
    b.setSampleTypes(types, types[first].type);
    const values = new Float64Array(types.length);
    const locs: number[] = [];
    for (let a = 0; a < this.aggNode.length; a++) {
      locs.length = 0;
      for (let n = this.aggNode[a]; n > 0; n = this.nodeParent[n]) locs.push(this.nodeLoc[n]);
      locs.reverse();
      values.fill(0);
      const e = this.aggEvent[a];
      values[countCol[e]] = this.aggCount[a];
      if (periodCol[e] >= 0) values[periodCol[e]] = this.aggPeriod[a];
      b.addSample(locs, values, this.labelSets[this.aggLabels[a]]);
    }
    const comments = [...this.header];
    if (this.unrecognised > 0) {
      comments.push(
        `${PERF_WARNING_PREFIX}${this.unrecognised} line${this.unrecognised === 1 ? '' : 's'} not in perf script form skipped ` +
          `(line${this.unrecognisedLines.length === 1 ? '' : 's'} ${this.unrecognisedLines.join(', ')}${this.unrecognised > this.unrecognisedLines.length ? ', ...' : ''})`,
      );
    }
    const captured = this.capturedOn ? Date.parse(this.capturedOn) : NaN;
    const profile = b.build();
    profile.comments = comments;
    const firstEvent = this.events[0];
    if (firstEvent.name) {
      // As pprof's period_type: what the samples were taken of, and every how much.
      profile.periodType = { type: firstEvent.name, unit: periodUnit(firstEvent.name) };
      profile.period = firstEvent.hasPeriod ? firstEvent.period : 0;
    }
    profile.timeNanos = Number.isFinite(captured) ? captured * 1e6 : 0;
    profile.durationNanos = this.maxTime > this.minTime ? Math.round((this.maxTime - this.minTime) * 1e9) : 0;
    return profile;
  }

  describeFailure(): string {
    if (this.unrecognisedLines.length > 0) {
      return `no perf script samples: line ${this.unrecognisedLines[0]} is neither a sample header ("comm pid [cpu] time: event:") nor a stack frame ("addr symbol (module)")`;
    }
    return 'no perf script samples: expected sample headers ("comm pid [cpu] time: event:") each followed by stack frame lines';
  }
}

/** perf counts cpu-clock and task-clock in nanoseconds; other events in occurrences. */
function periodUnit(event: string): string {
  const base = event.split(':')[0];
  return base === 'cpu-clock' || base === 'task-clock' ? 'nanoseconds' : 'count';
}

/** perf script text that arrives in pieces (a file read in chunks) → Profile; only the folded stacks are kept. */
export class PerfScriptStream {
  private readonly reader = new PerfScriptReader();
  private readonly lines = new LineSplitter((line, lineNo) => this.reader.line(line, lineNo), this.reader);

  constructor(private readonly options: PerfScriptOptions = {}) {}

  push(bytes: Uint8Array): void {
    this.reader.piece++;
    this.lines.push(bytes);
  }

  finish(): Profile {
    const reader = this.reader;
    const { endsWithNewline } = this.lines.end();
    reader.end(this.options.dropUnclosedLastRecord === true);
    if (reader.records === 0) throw new FormatError(reader.describeFailure());
    const profile = reader.finish();
    if (!endsWithNewline && reader.lastLineUnrecognised) {
      profile.comments.push(`${PERF_WARNING_PREFIX}the file ends in the middle of a line: it may be truncated`);
    }
    return profile;
  }
}

export function parsePerfScript(bytes: Uint8Array, options: PerfScriptOptions = {}): Profile {
  const stream = new PerfScriptStream(options);
  stream.push(bytes);
  return stream.finish();
}
