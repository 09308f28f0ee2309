// Reads a GODEBUG=gctrace=1 log (stderr of a Go program, Go 1.18–1.26), with or without
// gcpacertrace=1 and scavtrace=1 lines, mixed with the program's own output. One record per
// cycle; lines that look like the runtime's but cannot be read become warnings with their line
// number; a log without any cycle is a FormatError.

import { FormatError } from '../format-error.js';
import { forEachLine, looksLikeText } from '../text-lines.js';
import { GC_LINE_START, parseGcLine, type GcLineFields } from './gc-line.js';
import { emptyPacer, parsePacerLine } from './pacer-line.js';
import { parseScavLine, SCAV_LINE_START } from './scav-line.js';
import { FIRST_PIECE, SplitLines, type RuntimeLineKind } from './split-lines.js';
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

  /** Reads one whole runtime line; returns what is wrong with it, or null when it was read. */
  const readRuntimeLine = (kind: RuntimeLineKind, line: string, lineNo: number, pacerOfLine: PacerTrace | null): string | null => {
    if (kind === 'gc') {
      const parsed = parseGcLine(line);
      if ('problem' in parsed) return `unreadable gctrace line: ${parsed.problem}`;
      acceptCycle(parsed.fields, lineNo, pacerOfLine);
    } else if (kind === 'pacer') {
      const p = parsePacerLine(line);
      if (p.kind === 'bad') return p.problem;
      if (p.kind === 'start') pacer = { ...emptyPacer(), ...p.values };
      else if (p.kind === 'end') {
        pacer = { ...(pacer ?? emptyPacer()), ...p.values };
        if (p.values.controllerReset) controllerReset = true;
      }
    } else {
      const s = parseScavLine(line, lineNo);
      if ('problem' in s) return s.problem;
      scav.push(s.scav);
      scavFormat = s.format;
    }
    return null;
  };

  // Runtime lines split by the program's output (split-lines.ts). A head that never gets its
  // rest is reported, or counted as the program's own line when it may well be one.
  const split = new SplitLines<PacerTrace | null>((head) => {
    if (head.problem) warnings.add(head.lineNo, head.problem);
    else otherLines++;
  });

  const visit = (text: string, lineNo: number): void => {
    lastLine = text;
    let line = text;
    const start = GC_LINE_START.exec(line);
    const kind: RuntimeLineKind | null = start ? 'gc' : line.startsWith('pacer:') ? 'pacer' : SCAV_LINE_START.test(line) ? 'scav' : null;
    if (kind === null) {
      const mended = split.mend(line);
      if (mended) {
        otherLines++; // the program's line that split the runtime's
        if (mended.head.kind === 'gc') pacer = null;
        readRuntimeLine(mended.head.kind, mended.line, mended.head.lineNo, mended.head.state); // whole: joinPieces read it
        return;
      }
    }
    if (start) {
      split.flush(); // the runtime has started a new gc line, so any earlier one is over
      if (start.index > 0) {
        otherLines++;
        line = line.slice(start.index);
      }
    }
    if (kind !== null) {
      const pacerOfLine = kind === 'gc' ? pacer : null;
      if (kind === 'gc') pacer = null;
      const problem = readRuntimeLine(kind, line, lineNo, pacerOfLine);
      if (problem !== null) split.add({ kind, line, lineNo, problem, state: pacerOfLine });
      return;
    }
    if (line.startsWith(FIRST_PIECE.gc)) {
      const problem = /^gc \d/.test(line) ? 'unreadable gctrace line: it starts like one but has no "@T s N%:" part' : null;
      split.add({ kind: 'gc', line, lineNo, problem, state: pacer });
      return;
    }
    if (line.startsWith(FIRST_PIECE.scav)) {
      split.add({ kind: 'scav', line, lineNo, problem: null, state: null });
      return;
    }
    const v = GO_VERSION.exec(line);
    if (v && goVersion === null) goVersion = v[1] ?? v[2];
    otherLines++;
  };
  const { endsWithNewline, lines } = forEachLine(bytes, visit);
  split.flush();
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
