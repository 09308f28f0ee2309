// Reads a GODEBUG=gctrace=1 log (stderr of a Go program, Go 1.18–1.26), with or without
// gcpacertrace=1 and scavtrace=1 lines, mixed with the program's own output. One record per
// cycle; lines that look like the runtime's but cannot be read become warnings with their line
// number; a log without any cycle is a FormatError.

import { FormatError } from '../format-error.js';
import { forEachLine, looksLikeText } from '../text-lines.js';
import { GC_LINE_START, parseGcLine, readGcLine, type GcLineFields } from './gc-line.js';
import { emptyPacer, parsePacerLine } from './pacer-line.js';
import { parseScavLine, SCAV_LINE_START } from './scav-line.js';
import type { GcCycle, GcLog, GctraceWarning, PacerTrace, ScavLine } from './gctrace-types.js';

const MAX_WARNINGS = 200;
const GO_VERSION = /\bgo version (go1\.\d+(?:\.\d+)?)|^(go1\.\d+(?:\.\d+)?)\s*$/;
const MiB = 1 << 20;

class Warnings {
  readonly list: GctraceWarning[] = [];
  private dropped = 0;
  add(line: number, message: string): void {
    if (this.list.length < MAX_WARNINGS) this.list.push({ line, message });
    else this.dropped++;
  }
  done(): GctraceWarning[] {
    // A split gc line is reported when its wait ends, after later lines: keep line order.
    this.list.sort((a, b) => a.line - b.line);
    if (this.dropped > 0) this.list.push({ line: 0, message: `${this.dropped} more warnings not shown` });
    return this.list;
  }
}

/** How many lines of other output may come between the two pieces of a split gc line. */
const MAX_LINES_BETWEEN_PIECES = 3;
/** The longest start of a gc line a program's line can follow (a whole gc line is shorter). */
const MAX_HEAD_PIECE = 300;
/** The runtime's first write of a gc line. */
const GC_PIECE = 'gc ';

/**
 * The gc line whose first pieces start `head` (the program's line follows them) and whose rest
 * is `rest`, or null. The runtime writes every number in one piece, so no cut splits one, and
 * its first piece is "gc ".
 */
function joinPieces(head: string, rest: string): GcLineFields | null {
  const splitsNumber = /^[\d.]/.test(rest);
  for (let cut = Math.min(head.length, MAX_HEAD_PIECE); cut >= GC_PIECE.length; cut--) {
    if (splitsNumber && /[\d.]/.test(head[cut - 1])) continue;
    const fields = readGcLine(head.slice(0, cut) + rest);
    if (fields) return fields;
  }
  return null;
}

export function parseGctrace(input: Uint8Array | string): GcLog {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (!looksLikeText(bytes)) {
    const at = bytes.indexOf(0);
    throw new FormatError(`this is binary data, not a gctrace log${at >= 0 ? ` (a zero byte at offset ${at})` : ''}`, at >= 0 ? at : undefined);
  }
  const warnings = new Warnings();
  const cycles: GcCycle[] = [];
  const scav: ScavLine[] = [];
  let otherLines = 0;
  let process = 0;
  let pacer: PacerTrace | null = null;
  let goVersion: string | null = null;
  let scavFormat: string | null = null;
  let controllerReset = false;
  let lastLine = '';

  const acceptCycle = (fields: GcLineFields, lineNo: number, pacerOfLine: PacerTrace | null): void => {
    const prev = cycles.at(-1);
    const n = fields.n;
    if (prev && n <= prev.n) {
      if (n !== 1) warnings.add(lineNo, `cycle ${n} follows cycle ${prev.n} (line ${prev.line}); counted as a new process`);
      process++;
    } else if (prev && n > prev.n + 1) {
      warnings.add(lineNo, `${n - prev.n === 2 ? `cycle ${prev.n + 1} is` : `cycles ${prev.n + 1}–${n - 1} are`} missing before cycle ${n}`);
    } else if (!prev && n !== 1) {
      warnings.add(lineNo, `the log starts at cycle ${n}; earlier cycles are missing`);
    }
    cycles.push(withPacer({ ...fields, process, line: lineNo, pacer: null, exactHeap: false }, pacerOfLine));
  };

  // The runtime writes a gctrace line in pieces (each number and each bit of text its own write),
  // so a line the program writes to the same file can land between two of them: "gc 2 @0.014s
  // 11%: … clock, <program line>" and the rest of the gc line on a later line, or as early as
  // "gc <program line>" and "2 @0.014s …". A line that may be such a head waits a few lines for
  // its rest. A head that has "gc N @T s U%:" is gctrace's for sure (reported if never mended);
  // one that only starts with "gc " may as well be the program's own line.
  type Head = { line: string; lineNo: number; problem: string | null; sure: boolean; pacer: PacerTrace | null; waited: number };
  let heads: Head[] = [];
  const flushHead = (h: Head): void => {
    if (h.sure) warnings.add(h.lineNo, `unreadable gctrace line: ${h.problem}`);
    else if (h.problem) warnings.add(h.lineNo, h.problem);
    else otherLines++;
  };
  const flushHeads = (): void => {
    heads.forEach(flushHead);
    heads = [];
  };
  const mendHead = (rest: string): boolean => {
    for (let i = heads.length - 1; i >= 0; i--) {
      const fields = joinPieces(heads[i].line, rest);
      if (!fields) continue;
      const head = heads[i];
      heads.splice(i, 1);
      flushHeads();
      otherLines++; // the program's line that split the gc line
      acceptCycle(fields, head.lineNo, head.pacer);
      return true;
    }
    for (const h of heads) h.waited++;
    heads.filter((h) => h.waited >= MAX_LINES_BETWEEN_PIECES).forEach(flushHead);
    heads = heads.filter((h) => h.waited < MAX_LINES_BETWEEN_PIECES);
    return false;
  };

  const visit = (text: string, lineNo: number): void => {
    lastLine = text;
    let line = text;
    const start = GC_LINE_START.exec(line);
    if (!start && !line.startsWith('pacer:') && !SCAV_LINE_START.test(line) && mendHead(line)) return;
    if (start) {
      flushHeads(); // the runtime has started a new line, so any earlier one is over
      if (start.index > 0) {
        otherLines++;
        line = line.slice(start.index);
      }
      const parsed = parseGcLine(line);
      if ('problem' in parsed) {
        heads.push({ line, lineNo, problem: parsed.problem, sure: true, pacer, waited: 0 });
        pacer = null;
        return;
      }
      acceptCycle(parsed.fields, lineNo, pacer);
      pacer = null;
      return;
    }
    if (line.startsWith('pacer:')) {
      const p = parsePacerLine(line);
      if (p.kind === 'bad') warnings.add(lineNo, p.problem);
      else if (p.kind === 'start') pacer = { ...emptyPacer(), ...p.values };
      else if (p.kind === 'end') {
        pacer = { ...(pacer ?? emptyPacer()), ...p.values };
        if (p.values.controllerReset) controllerReset = true;
      }
      return;
    }
    if (SCAV_LINE_START.test(line)) {
      const s = parseScavLine(line, lineNo);
      if ('problem' in s) warnings.add(lineNo, s.problem);
      else {
        scav.push(s.scav);
        scavFormat = s.format;
      }
      return;
    }
    if (line.startsWith(GC_PIECE)) {
      const problem = /^gc \d/.test(line) ? 'unreadable gctrace line: it starts like one but has no "@T s N%:" part' : null;
      heads.push({ line, lineNo, problem, sure: false, pacer, waited: 0 });
      return;
    }
    const v = GO_VERSION.exec(line);
    if (v && goVersion === null) goVersion = v[1] ?? v[2];
    otherLines++;
  };
  const { endsWithNewline, lines } = forEachLine(bytes, visit);
  flushHeads();
  if (!endsWithNewline && lines > 0 && cycles.at(-1)?.line !== lines && GC_LINE_START.test(lastLine)) {
    // Already reported as unreadable; say why.
    warnings.add(lines, 'the log ends in the middle of this line (cut off?)');
  }

  if (cycles.length === 0) {
    const why = warnings.list.length > 0 ? `; ${warnings.list.length} lines looked like gctrace's but could not be read (first: line ${warnings.list[0].line}: ${warnings.list[0].message})` : '';
    throw new FormatError(`no GC cycles found: a gctrace log has lines like "gc 1 @0.012s 2%: …", written to stderr by a Go program run with GODEBUG=gctrace=1${why}`);
  }
  return {
    cycles,
    scav,
    warnings: warnings.done(),
    otherLines,
    processes: process + 1,
    goVersion,
    goVersionHint: versionHint(scavFormat, controllerReset, cycles),
  };
}

/** Byte-exact start and peak heap from the pacer's end line, when it agrees with the MiB figures. */
function withPacer(cycle: GcCycle, pacer: PacerTrace | null): GcCycle {
  if (!pacer) return cycle;
  cycle.pacer = pacer;
  const { triggeredBytes: t, heapLiveBytes: h } = pacer;
  if (t !== null && h !== null && Math.floor(t / MiB) * MiB === cycle.heapStartBytes && Math.floor(h / MiB) * MiB === cycle.heapEndBytes) {
    cycle.heapStartBytes = t;
    cycle.heapEndBytes = h;
    cycle.exactHeap = true;
  }
  return cycle;
}

function versionHint(scavFormat: string | null, controllerReset: boolean, cycles: GcCycle[]): string | null {
  if (scavFormat === 'go1.21') return '>= 1.21';
  if (scavFormat === 'go1.19' || controllerReset) return '1.19 or 1.20';
  if (cycles.some((c) => c.stacksBytes !== null)) return '>= 1.18';
  return '< 1.18';
}
