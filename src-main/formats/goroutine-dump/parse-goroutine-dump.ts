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

import { FormatError } from '../format-error.js';
import { detached, forEachLine } from '../text-lines.js';
import type { DumpFrame, DumpGoroutine, GoroutineDump } from './dump-types.js';

const HEADER = /^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[(.*)\]:$/;
const PROFILE_HEADER = /^([\w.-]+) profile: total (\d+)$/;
const FILE_LINE = /^\t(.+):(\d+)(?: \+0x[0-9a-fA-F]+)?(?: .*)?$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine (\d+))?$/;
const ELIDED = /^\.\.\.(?:additional frames elided|\d+ frames elided)\.\.\.$/;
const PROFILE_RECORD = /^(\d+) @((?: 0x[0-9a-fA-F]+)*)$/;
const PROFILE_FRAME = /^#\t0x[0-9a-fA-F]+\t(.+?)\+0x[0-9a-fA-F]+\t(.+):(\d+)$/;
/** Most lines of warnings kept (each names its line). */
const MAX_WARNINGS = 50;

/** Parses a dump; throws FormatError when no goroutine could be read. */
export function parseGoroutineDump(bytes: Uint8Array): GoroutineDump {
  const lines: string[] = [];
  const byteAt: number[] = [];
  let offset = 0;
  const enc = new TextEncoder();
  const { endsWithNewline } = forEachLine(bytes, (line) => {
    lines.push(line);
    byteAt.push(offset);
    offset += (/^[\x00-\x7f]*$/.test(line) ? line.length : enc.encode(line).length) + 1;
  });
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new FormatError('the goroutine dump is empty');
  const profile = PROFILE_HEADER.exec(lines[first]);
  const dump = profile ? parseDebug1(lines, first, profile[1], Number(profile[2])) : parseDebug2(lines, first);
  finishCut(dump, byteAt, endsWithNewline, bytes.length, lines.length);
  if (dump.goroutines.length === 0) {
    throw new FormatError(dump.cutAt ? `the dump stops inside its first goroutine (line ${dump.cutAt.line}, byte ${dump.cutAt.byte}; the file has ${bytes.length} bytes)` : `no goroutine could be read${dump.warnings.length ? `: ${dump.warnings[0]}` : ''}`);
  }
  dump.total = dump.goroutines.reduce((s, g) => s + g.count, 0);
  return dump;
}

interface Pending {
  g: DumpGoroutine;
  /** Line (0-based) of the record's header. */
  at: number;
  /** A function line waiting for its file line. */
  func: string | null;
  /** After "created by …", its file line. */
  creator: string | null;
  creatorGoroutine: number | null;
  closed: boolean;
}

type Parsed = GoroutineDump & { last: Pending | null };

function newGoroutine(): DumpGoroutine {
  return { id: null, count: 1, state: null, waitMinutes: 0, lockedToThread: false, leaked: false, labels: {}, frames: [], elided: false, createdBy: null };
}

function warn(d: GoroutineDump, message: string): void {
  if (d.warnings.length < MAX_WARNINGS) d.warnings.push(message);
  else if (d.warnings.length === MAX_WARNINGS) d.warnings.push('more lines could not be read (not listed)');
}

function parseDebug2(lines: string[], first: number): Parsed {
  const d: Parsed = { format: 'debug=2', profile: 'goroutine', total: 0, statedTotal: null, goroutines: [], warnings: [], cutAt: null, last: null };
  if (!HEADER.test(lines[first])) {
    const start = lines.findIndex((l, i) => i > first && HEADER.test(l));
    if (start < 0) throw new FormatError(`line ${first + 1}: "${lines[first].slice(0, 80)}" is not a goroutine header ("goroutine N [state]:")`, first + 1);
    warn(d, `lines ${first + 1}–${start}: text before the first goroutine skipped ("${lines[first].slice(0, 60)}")`);
    first = start;
  }
  let cur: Pending | null = null;
  const close = (): void => {
    if (!cur) return;
    cur.closed = true;
    d.goroutines.push(cur.g);
    cur = null;
  };
  for (let i = first; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') {
      // A blank line ends a goroutine; a function line without its file line is odd but kept.
      if (cur && (cur.func !== null || cur.creator !== null)) warn(d, `line ${i}: a frame without its file line`);
      close();
      continue;
    }
    const h = HEADER.exec(line);
    if (h) {
      close();
      const g = newGoroutine();
      g.id = Number(h[1]);
      readStatus(g, h[2]);
      cur = { g, at: i, func: null, creator: null, creatorGoroutine: null, closed: false };
      d.last = cur;
      continue;
    }
    if (!cur) {
      warn(d, `line ${i + 1}: "${line.slice(0, 60)}" is outside any goroutine`);
      continue;
    }
    const fl = FILE_LINE.exec(line);
    if (fl) {
      const frame = (func: string): DumpFrame => ({ func, file: detached(fl[1]), line: Number(fl[2]) });
      if (cur.func !== null) {
        cur.g.frames.push(frame(cur.func));
        cur.func = null;
      } else if (cur.creator !== null) {
        cur.g.createdBy = { ...frame(cur.creator), goroutine: cur.creatorGoroutine };
        cur.creator = null;
      } else warn(d, `line ${i + 1}: a file line without a function before it`);
      continue;
    }
    if (ELIDED.test(line)) {
      cur.g.elided = true;
      continue;
    }
    const cb = CREATED_BY.exec(line);
    if (cb) {
      cur.creator = detached(cb[1]);
      cur.creatorGoroutine = cb[2] !== undefined ? Number(cb[2]) : null;
      continue;
    }
    const fn = funcOfCall(line);
    if (fn !== null) {
      if (cur.func !== null) warn(d, `line ${i}: a frame without its file line`);
      cur.func = fn;
      continue;
    }
    if (/^goroutine running on other thread|^\s*stack unavailable/.test(line)) continue;
    warn(d, `line ${i + 1}: "${line.slice(0, 60)}" is not a frame`);
  }
  return d;
}

/** "pkg.(*T).m(args)" → "pkg.(*T).m": the name before the last, closing argument list. */
function funcOfCall(line: string): string | null {
  if (!line.endsWith(')') || /^\s/.test(line)) return null;
  const open = line.lastIndexOf('(');
  if (open <= 0) return null;
  return detached(line.slice(0, open));
}

function readStatus(g: DumpGoroutine, inside: string): void {
  let text = inside;
  const lab = / labels:\{(.*)\}$/.exec(text);
  if (lab) {
    text = text.slice(0, lab.index);
    for (const m of lab[1].matchAll(/"((?:[^"\\]|\\.)*)": "((?:[^"\\]|\\.)*)"/g)) g.labels[m[1]] = m[2];
  }
  const parts = text.split(', ');
  let state = parts[0];
  for (const p of parts.slice(1)) {
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
  g.state = state;
}

function parseDebug1(lines: string[], first: number, profile: string, stated: number): Parsed {
  const d: Parsed = { format: 'debug=1', profile, total: 0, statedTotal: stated, goroutines: [], warnings: [], cutAt: null, last: null };
  let cur: Pending | null = null;
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') {
      // Every record ends with a blank line: a record without one was cut.
      if (cur) cur.closed = true;
      continue;
    }
    const rec = PROFILE_RECORD.exec(line);
    if (rec) {
      const g = newGoroutine();
      g.count = Number(rec[1]);
      cur = { g, at: i, func: null, creator: null, creatorGoroutine: null, closed: false };
      d.goroutines.push(g);
      d.last = cur;
      continue;
    }
    if (!cur) {
      warn(d, `line ${i + 1}: "${line.slice(0, 60)}" is outside any stack record`);
      continue;
    }
    const fr = PROFILE_FRAME.exec(line);
    if (fr) {
      cur.g.frames.push({ func: detached(fr[1]), file: detached(fr[2]), line: Number(fr[3]) });
      continue;
    }
    const lab = /^# labels: \{(.*)\}$/.exec(line);
    if (lab) {
      for (const m of lab[1].matchAll(/"((?:[^"\\]|\\.)*)":"((?:[^"\\]|\\.)*)"/g)) cur.g.labels[m[1]] = m[2];
      continue;
    }
    if (/^#\t0x[0-9a-fA-F]+$/.test(line)) continue; // a PC without symbol information
    warn(d, `line ${i + 1}: "${line.slice(0, 60)}" is not a frame`);
  }
  return d;
}

/**
 * The last record is complete when the file ends with a line break, every function line has its
 * file line, and (debug=2) a goroutine other than 1 names its creator, (debug=1) a blank line closes it.
 */
function finishCut(d: Parsed, byteAt: number[], endsWithNewline: boolean, size: number, lineCount: number): void {
  const last = d.last;
  if (!last) return;
  if (last.closed && !endsWithNewline) {
    // The file stops in a line after the last record ended: the start of the next one.
    const at = lineCount - 1;
    d.warnings = d.warnings.filter((w) => !w.startsWith(`line ${at + 1}: `));
    d.cutAt = { line: at + 1, byte: byteAt[at] };
    d.warnings.unshift(`the dump stops inside the ${d.format === 'debug=2' ? 'goroutine' : 'stack record'} that starts at line ${at + 1}, byte ${byteAt[at]} (the file ends at byte ${size}): kept the ${d.goroutines.length} complete ${d.format === 'debug=2' ? 'goroutine(s)' : 'record(s)'} before it`);
    return;
  }
  const g = last.g;
  const incomplete = d.format === 'debug=2'
    ? !last.closed && (!endsWithNewline || last.func !== null || last.creator !== null || g.frames.length === 0 || (g.createdBy === null && g.id !== 1))
    : !endsWithNewline || !last.closed;
  if (!last.closed && d.format === 'debug=2' && !incomplete) d.goroutines.push(g);
  if (!incomplete) return;
  if (d.format === 'debug=1') d.goroutines.pop();
  d.cutAt = { line: last.at + 1, byte: byteAt[last.at] };
  const who = g.id !== null ? `goroutine ${g.id}` : 'a stack record';
  d.warnings.unshift(`the dump stops inside ${who} (it starts at line ${last.at + 1}, byte ${byteAt[last.at]}; the file ends at byte ${size}): kept the ${d.goroutines.length} complete ${d.format === 'debug=2' ? 'goroutine(s)' : 'record(s)'} before it`);
}
