// Reads goroutine dumps, line by line (text-lines.ts), in the layouts Go 1.12 to 1.26 print:
//
// debug=2 (and panics, SIGQUIT dumps): blocks separated by a blank line,
//   goroutine 18 [chan receive, 5 minutes, locked to thread]:
//   main.leak.func1(0xc000010000?, {0x1, 0x2})        ← args as 1.17+ print them; "()" / "(...)" before
//   	/src/main.go:30 +0x25                           ← offset absent in some frames; fp=/sp= with GOTRACEBACK=system
//   ...additional frames elided...                    ← or "...12 frames elided..." (1.21+, deep recursion)
//   created by main.handler in goroutine 7            ← " in goroutine N" since 1.21
//   	/src/main.go:28 +0x66
// Header variants: " gp=0x… m=3 mp=0x…" after the id (GOTRACEBACK=system / crashes, 1.22+), status
// suffixes " (leaked)" (1.26), " (scan)", " (durable)" (synctest), ", N minutes", ", locked to
// thread", ", synctest bubble N", " labels:{"k": "v"}" (tracebacklabels, 1.26).
//
// debug=1: "NAME profile: total N", then per stack "COUNT @ 0xPC 0xPC…", an optional
// "# labels: {…}" line and "#\t0xPC\tfunc+0xOFF\tfile:LINE" frame lines.
//
// A file cut inside a goroutine keeps the goroutines before it and says where it stopped.
// One pass over the lines, nothing kept but the goroutines; a frame seen before (same function
// and file line) is the same object, so 100 000 goroutines parked in one place cost one frame.

import { quoteInput } from '../quote-input.js';
import { FormatError } from '../format-error.js';
import { detached, forEachLine } from '../text-lines.js';
import type { DumpFrame, DumpGoroutine, GoroutineDump } from './dump-types.js';

const HEADER = /^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[(.*)\]:$/;
const PROFILE_HEADER = /^([\w.-]+) profile: total (\d+)$/;
const FILE_LINE = /^\t(.+):(\d+)(?: \+0x[0-9a-fA-F]+)?(?: .*)?$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine (\d+))?$/;
const ELIDED = /^\.\.\.(?:additional frames elided|\d+ frames elided)\.\.\.$/;
const PROFILE_RECORD = /^(\d+) @((?: 0x[0-9a-fA-F]+)*)$/;
// Neither piece holds a tab: with `.+` a long line of repeated "+0x34\t" pieces took quadratic time.
// The runtime aligns the columns with a tabwriter, so one or more tabs come before the file.
const PROFILE_FRAME = /^#\t0x[0-9a-fA-F]+\t([^\t]+?)\+0x[0-9a-fA-F]+\t+([^\t]+):(\d+)$/;
/** Most lines of warnings kept (each names its line). */
const MAX_WARNINGS = 50;

/** Parses a dump; throws FormatError when no goroutine could be read. */
export function parseGoroutineDump(bytes: Uint8Array): GoroutineDump {
  let parser: LineParser | null = null;
  let offset = 0;
  let lineCount = 0;
  const { endsWithNewline } = forEachLine(bytes, (line, lineNo) => {
    lineCount = lineNo;
    const at = offset;
    offset += utf8Length(line) + 1;
    if (parser === null) {
      if (line.trim() === '') return;
      const profile = PROFILE_HEADER.exec(line);
      parser = profile ? new Debug1Parser(profile[1], Number(profile[2])) : new Debug2Parser();
      if (profile) return;
    }
    parser.line(line, lineNo, at);
  });
  if (parser === null) throw new FormatError('the goroutine dump is empty');
  const dump = (parser as LineParser).finish(endsWithNewline, bytes.length, lineCount);
  if (dump.goroutines.length === 0) {
    throw new FormatError(dump.cutAt ? `the dump stops inside its first goroutine (line ${dump.cutAt.line}, byte ${dump.cutAt.byte}; the file has ${bytes.length} bytes)` : `no goroutine could be read${dump.warnings.length ? `: ${dump.warnings[0]}` : ''}`);
  }
  dump.total = dump.goroutines.reduce((s, g) => s + g.count, 0);
  return dump;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00) { n += 2; i++; } // a surrogate pair: 4 bytes for 2 code units
    else n += 2;
  }
  return n;
}

interface Pending {
  g: DumpGoroutine;
  /** Line number (1-based) and byte offset of the record's header. */
  line: number;
  byte: number;
  /** A function line waiting for its file line. */
  func: string | null;
  /** After "created by …", its file line. */
  creator: string | null;
  creatorGoroutine: number | null;
  /** A blank line (or the next record) ended it. */
  closed: boolean;
}

interface LineParser {
  line(text: string, lineNo: number, byte: number): void;
  finish(endsWithNewline: boolean, size: number, lineCount: number): GoroutineDump;
}

function newGoroutine(): DumpGoroutine {
  return { id: null, count: 1, state: null, waitMinutes: 0, lockedToThread: false, leaked: false, labels: {}, frames: [], elided: false, createdBy: null };
}

abstract class DumpParser implements LineParser {
  protected readonly d: GoroutineDump;
  protected cur: Pending | null = null;
  /** The start of the last line seen (for a file that stops inside a line). */
  private lastLineNo = 0;
  private lastLineByte = 0;

  constructor(format: GoroutineDump['format'], profile: string, statedTotal: number | null) {
    this.d = { format, profile, total: 0, statedTotal, goroutines: [], warnings: [], cutAt: null };
  }

  abstract read(text: string, lineNo: number, byte: number): void;

  line(text: string, lineNo: number, byte: number): void {
    this.lastLineNo = lineNo;
    this.lastLineByte = byte;
    this.read(text, lineNo, byte);
  }

  protected warn(message: string): void {
    const w = this.d.warnings;
    if (w.length < MAX_WARNINGS) w.push(message);
    else if (w.length === MAX_WARNINGS) w.push('more lines could not be read (not listed)');
  }

  protected open(g: DumpGoroutine, lineNo: number, byte: number): void {
    this.close();
    this.cur = { g, line: lineNo, byte, func: null, creator: null, creatorGoroutine: null, closed: false };
  }

  protected close(): void {
    if (!this.cur) return;
    this.cur.closed = true;
    this.d.goroutines.push(this.cur.g);
    this.cur = null;
  }

  /** Whether the last, unclosed record is whole (the file may end right after it). */
  protected abstract complete(p: Pending): boolean;

  finish(endsWithNewline: boolean, size: number, lineCount: number): GoroutineDump {
    const d = this.d;
    const last = this.cur;
    const noun = d.format === 'debug=2' ? 'goroutine(s)' : 'record(s)';
    if (last === null) {
      if (!endsWithNewline && lineCount > 0) {
        // The file stops in a line after the last record ended: the start of the next one.
        const at = { line: this.lastLineNo, byte: this.lastLineByte };
        d.warnings = d.warnings.filter((w) => !w.startsWith(`line ${at.line}: `));
        d.cutAt = { line: at.line, byte: at.byte };
        d.warnings.unshift(`the dump stops inside the ${d.format === 'debug=2' ? 'goroutine' : 'stack record'} that starts at line ${at.line}, byte ${at.byte} (the file ends at byte ${size}): kept the ${d.goroutines.length} complete ${noun} before it`);
      }
      return d;
    }
    if (endsWithNewline && this.complete(last)) {
      this.close();
      return d;
    }
    d.cutAt = { line: last.line, byte: last.byte };
    const who = last.g.id !== null ? `goroutine ${last.g.id}` : 'a stack record';
    d.warnings.unshift(`the dump stops inside ${who} (it starts at line ${last.line}, byte ${last.byte}; the file ends at byte ${size}): kept the ${d.goroutines.length} complete ${noun} before it`);
    return d;
  }
}

class Debug2Parser extends DumpParser {
  /** Frames by function and file line: one object per place; creators the same way. */
  private readonly frames = new Map<string, DumpFrame>();
  private readonly creators = new Map<string, DumpGoroutine['createdBy']>();
  /** What a header's bracket says, by its text (a few distinct ones in a dump of thousands). */
  private readonly statuses = new Map<string, Status>();
  private started = false;
  private preamble: { line: number; text: string } | null = null;

  constructor() {
    super('debug=2', 'goroutine', null);
  }

  read(line: string, lineNo: number, byte: number): void {
    if (!this.started) {
      if (line.startsWith('goroutine ') && HEADER.test(line)) {
        this.started = true;
        if (this.preamble) this.warn(`lines ${this.preamble.line}–${lineNo - 1}: text before the first goroutine skipped (${quoteInput(this.preamble.text, 60)})`);
      } else {
        if (line.trim() !== '') this.preamble ??= { line: lineNo, text: line };
        return;
      }
    }
    const cur = this.cur;
    if (line === '') {
      // A blank line ends a goroutine; a function line without its file line is odd but kept.
      if (cur && (cur.func !== null || cur.creator !== null)) this.warn(`line ${lineNo - 1}: a frame without its file line`);
      this.close();
      return;
    }
    const c = line.charCodeAt(0);
    if (c === 9 /* \t */) {
      if (!cur) return this.warn(`line ${lineNo}: ${quoteInput(line, 60)} is outside any goroutine`);
      if (cur.func !== null) {
        const frame = this.frame(cur.func, line, lineNo);
        if (frame) cur.g.frames.push(frame);
        cur.func = null;
      } else if (cur.creator !== null) {
        const key = `${cur.creatorGoroutine}\n${cur.creator}\n${line}`;
        let created = this.creators.get(key);
        if (created === undefined) {
          const frame = this.frame(cur.creator, line, lineNo);
          created = frame ? { ...frame, goroutine: cur.creatorGoroutine } : null;
          this.creators.set(key, created);
        }
        cur.g.createdBy = created;
        cur.creator = null;
      } else this.warn(`line ${lineNo}: a file line without a function before it`);
      return;
    }
    if (line.startsWith('goroutine ')) {
      const h = HEADER.exec(line);
      if (h) {
        const g = newGoroutine();
        g.id = Number(h[1]);
        let st = this.statuses.get(h[2]);
        if (!st) {
          st = readStatus(h[2]);
          if (this.statuses.size < 10_000) this.statuses.set(detached(h[2]), st);
        }
        Object.assign(g, st);
        this.open(g, lineNo, byte);
        return;
      }
    }
    if (!cur) return this.warn(`line ${lineNo}: ${quoteInput(line, 60)} is outside any goroutine`);
    if (c === 46 /* . */ && ELIDED.test(line)) {
      cur.g.elided = true;
      return;
    }
    if (line.startsWith('created by ')) {
      const cb = CREATED_BY.exec(line);
      if (!cb) return this.warn(`line ${lineNo}: ${quoteInput(line, 60)} names no creator`);
      cur.creator = cb[1];
      cur.creatorGoroutine = cb[2] !== undefined ? Number(cb[2]) : null;
      return;
    }
    const fn = funcOfCall(line);
    if (fn !== null) {
      if (cur.func !== null) this.warn(`line ${lineNo - 1}: a frame without its file line`);
      cur.func = fn;
      return;
    }
    if (/^goroutine running on other thread|^\s*stack unavailable/.test(line)) return;
    this.warn(`line ${lineNo}: ${quoteInput(line, 60)} is not a frame`);
  }

  private frame(func: string, fileLine: string, lineNo: number): DumpFrame | null {
    const key = `${func}\n${fileLine}`;
    let f = this.frames.get(key);
    if (f) return f;
    const m = FILE_LINE.exec(fileLine);
    if (!m) {
      this.warn(`line ${lineNo}: ${quoteInput(fileLine.slice(1), 59)} is not a file:line`);
      return null;
    }
    f = { func: detached(func), file: detached(m[1]), line: Number(m[2]) };
    this.frames.set(detached(key), f);
    return f;
  }

  protected complete(p: Pending): boolean {
    // The last goroutine is whole when every function line has its file line and, but for
    // goroutine 1, it names its creator.
    return p.func === null && p.creator === null && p.g.frames.length > 0 && (p.g.createdBy !== null || p.g.id === 1);
  }

  override finish(endsWithNewline: boolean, size: number, lineCount: number): GoroutineDump {
    if (!this.started) {
      const p = this.preamble!;
      throw new FormatError(`line ${p.line}: ${quoteInput(p.text, 80)} is not a goroutine header ("goroutine N [state]:")`, p.line);
    }
    return super.finish(endsWithNewline, size, lineCount);
  }
}

/** "pkg.(*T).m(args)" → "pkg.(*T).m": the name before the last, closing argument list. */
function funcOfCall(line: string): string | null {
  if (!line.endsWith(')')) return null;
  const c = line.charCodeAt(0);
  if (c === 32 || c === 9) return null;
  const open = line.lastIndexOf('(');
  if (open <= 0) return null;
  return line.slice(0, open);
}

type Status = Pick<DumpGoroutine, 'state' | 'waitMinutes' | 'lockedToThread' | 'leaked' | 'labels'>;

/** "chan receive (leaked), 6 minutes, locked to thread labels:{…}" → its parts (the labels object is shared by equal headers). */
function readStatus(inside: string): Status {
  const g: Status = { state: null, waitMinutes: 0, lockedToThread: false, leaked: false, labels: {} };
  let text = inside;
  const lab = / labels:\{(.*)\}$/.exec(text);
  if (lab) {
    text = text.slice(0, lab.index);
    for (const m of lab[1].matchAll(/"((?:[^"\\]|\\.)*)": "((?:[^"\\]|\\.)*)"/g)) g.labels[m[1]] = m[2];
  }
  const parts = text.split(', ');
  let state = parts[0];
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i];
    const min = /^(\d+) minutes$/.exec(p);
    if (min) g.waitMinutes = Number(min[1]);
    else if (p === 'locked to thread') g.lockedToThread = true;
    // ", synctest bubble N" and anything newer: part of what the runtime says, not of the state.
  }
  if (state.endsWith(' (scan)')) state = state.slice(0, -7);
  if (state.endsWith(' (leaked)')) {
    g.leaked = true;
    state = state.slice(0, -9);
  }
  g.state = detached(state);
  return g;
}

class Debug1Parser extends DumpParser {
  constructor(profile: string, stated: number) {
    super('debug=1', profile, stated);
  }

  read(line: string, lineNo: number, byte: number): void {
    if (line === '') {
      // Every record ends with a blank line: a record without one was cut.
      this.close();
      return;
    }
    const rec = PROFILE_RECORD.exec(line);
    if (rec) {
      const g = newGoroutine();
      g.count = Number(rec[1]);
      this.open(g, lineNo, byte);
      return;
    }
    const cur = this.cur;
    if (!cur) return this.warn(`line ${lineNo}: ${quoteInput(line, 60)} is outside any stack record`);
    const fr = PROFILE_FRAME.exec(line);
    if (fr) {
      cur.g.frames.push({ func: detached(fr[1]), file: detached(fr[2]), line: Number(fr[3]) });
      return;
    }
    const lab = /^# labels: \{(.*)\}$/.exec(line);
    if (lab) {
      for (const m of lab[1].matchAll(/"((?:[^"\\]|\\.)*)":"((?:[^"\\]|\\.)*)"/g)) cur.g.labels[m[1]] = m[2];
      return;
    }
    if (/^#\t0x[0-9a-fA-F]+$/.test(line)) return; // a PC without symbol information
    this.warn(`line ${lineNo}: ${quoteInput(line, 60)} is not a frame`);
  }

  protected complete(): boolean {
    return false; // only a blank line closes a record
  }
}
