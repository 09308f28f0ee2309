// The lines of `perf script` output, read the way stackcollapse-perf.pl reads them, so that
// stacks and counts come out as that tool's. Its regular expressions are replaced by
// single-pass scans with the same outcome (a backtracking regex on a long line of digits or
// spaces can take exponential time).

/** Perl's \s on bytes: space, \t, \n, \v, \f, \r. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

export interface RecordHeader {
  comm: string;
  /** The first number after the command: the pid in "pid/tid" form, else the tid. */
  first: string;
  /** The number after "/" in "pid/tid" form ("" when absent). */
  second: string;
  /** Index just past the pid/tid field. */
  end: number;
}

/**
 * A sample record's first line, `comm pid/tid [cpu] time: period event:` (most fields
 * optional). As stackcollapse-perf's `^(\S.+?)\s+(\d+)\/*(\d+)*\s+`: the command is the
 * shortest prefix (at least two characters) followed by blanks, digits, optional "/digits" and
 * a blank.
 */
export function parseRecordHeader(line: string): RecordHeader | null {
  const n = line.length;
  if (n < 4 || isSpace(line.charCodeAt(0))) return null;
  let i = 2;
  while (i < n) {
    if (!isSpace(line.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isSpace(line.charCodeAt(j))) j++;
    // Every start inside this run of blanks sees the same rest of the line: try it once.
    const d1 = j;
    while (j < n && isDigit(line.charCodeAt(j))) j++;
    if (j > d1) {
      const d1End = j;
      while (j < n && line.charCodeAt(j) === 47) j++;
      const d2 = j;
      while (j < n && isDigit(line.charCodeAt(j))) j++;
      if (j < n && isSpace(line.charCodeAt(j))) {
        return { comm: line.slice(0, i), first: line.slice(d1, d1End), second: line.slice(d2, j), end: j };
      }
    }
    i = j > i ? j : i + 1;
  }
  return null;
}

export interface EventField {
  event: string;
  /** The sample period before the event name, "" when absent. */
  period: string;
  /** Index of the ":" before the period (the end of the time field): the field is read from there on. */
  colon: number;
}

/**
 * The event at the end of a record line, `...: [period] event:` as stackcollapse-perf's
 * `:\s*(\d+)*\s+(\S+):\s*$`; null when the line does not end that way.
 */
export function parseEventField(line: string): EventField | null {
  let end = line.length;
  while (end > 0 && isSpace(line.charCodeAt(end - 1))) end--;
  if (end < 2 || line.charCodeAt(end - 1) !== 58) return null;
  let s = end - 1;
  while (s > 0 && !isSpace(line.charCodeAt(s - 1))) s--;
  if (s === 0 || s === end - 1) return null;
  let i = s - 1;
  while (i >= 0 && isSpace(line.charCodeAt(i))) i--;
  const digitsEnd = i + 1;
  while (i >= 0 && isDigit(line.charCodeAt(i))) i--;
  const digitsStart = i + 1;
  while (i >= 0 && isSpace(line.charCodeAt(i))) i--;
  if (i < 0 || line.charCodeAt(i) !== 58) return null;
  return { event: line.slice(s, end - 1), period: line.slice(digitsStart, digitsEnd), colon: i };
}

/** The event name of a record line that does not end in stackcollapse's form (e.g. no time field). */
export function looseEventName(line: string, from: number): string {
  let end = line.length;
  while (end > from && isSpace(line.charCodeAt(end - 1))) end--;
  if (end <= from || line.charCodeAt(end - 1) !== 58) return '';
  let s = end - 1;
  while (s > from && !isSpace(line.charCodeAt(s - 1))) s--;
  return line.slice(s, end - 1);
}

export interface RecordExtras {
  cpu: number;
  /** Seconds, -1 when absent. */
  time: number;
}

/** The optional `[cpu]` and `time:` fields after the pid/tid. */
export function parseRecordExtras(line: string, from: number): RecordExtras {
  const n = line.length;
  let i = from;
  let cpu = -1;
  let time = -1;
  while (i < n && isSpace(line.charCodeAt(i))) i++;
  if (line.charCodeAt(i) === 91) {
    let j = i + 1;
    while (j < n && isDigit(line.charCodeAt(j))) j++;
    if (j > i + 1 && line.charCodeAt(j) === 93) {
      cpu = Number(line.slice(i + 1, j));
      i = j + 1;
      while (i < n && isSpace(line.charCodeAt(i))) i++;
    }
  }
  let j = i;
  while (j < n && (isDigit(line.charCodeAt(j)) || line.charCodeAt(j) === 46)) j++;
  if (j > i && line.charCodeAt(j) === 58) {
    const t = Number(line.slice(i, j));
    if (Number.isFinite(t)) time = t;
  }
  return { cpu, time };
}

/** What scanRecordLineBytes finds in a record line's bytes. */
export interface RecordLineScan {
  /** Index just past the command and pid/tid (where the blanks before `[cpu]` or the time start). */
  headEnd: number;
  /** The ":" that ends the time field; the event field follows. */
  colon: number;
  cpu: number;
  /** Seconds. */
  time: number;
}

/** The largest integer of decimal digits read exactly, and its powers of ten. */
const MAX_TIME_DIGITS = 15;
const POW10 = Array.from({ length: MAX_TIME_DIGITS + 1 }, (_, i) => 10 ** i);

/**
 * A record line `comm pid/tid [cpu] time: period event:` read from its bytes backwards, from
 * the end: the ":" before the period (as parseEventField finds it), the time before it, the
 * optional `[cpu]`, and where the command and pid/tid end. Fills `out` and returns true when the
 * line has that shape with a time of at most 15 digits (then `time` is exactly Number() of its
 * text: the digits as an integer, divided by a power of ten, are rounded once). This is a quick
 * look for lines like one read before: the caller checks that the command part and the event
 * part are byte for byte those of a line parsed as text (parseRecordHeader, parseEventField,
 * parseRecordExtras), which then read this line the same way.
 */
export function scanRecordLineBytes(b: Uint8Array, start: number, end: number, out: RecordLineScan): boolean {
  let i = end;
  while (i > start && isSpace(b[i - 1])) i--;
  if (i - start < 2 || b[i - 1] !== 58) return false;
  i--;
  while (i > start && !isSpace(b[i - 1])) i--;
  while (i > start && isSpace(b[i - 1])) i--;
  while (i > start && isDigit(b[i - 1])) i--;
  while (i > start && isSpace(b[i - 1])) i--;
  if (i === start || b[i - 1] !== 58) return false;
  const colon = i - 1;
  let j = colon;
  let digits = 0;
  let dot = -1;
  let value = 0;
  // The time's digits, read backwards: the value is built from the front below.
  while (j > start && (isDigit(b[j - 1]) || b[j - 1] === 46)) {
    j--;
    if (b[j] === 46) {
      if (dot >= 0) return false;
      dot = j;
    } else digits++;
  }
  if (digits === 0 || digits > MAX_TIME_DIGITS) return false;
  for (let k = j; k < colon; k++) if (k !== dot) value = value * 10 + (b[k] - 48);
  const time = dot < 0 ? value : value / POW10[colon - dot - 1];
  let k = j;
  while (k > start && isSpace(b[k - 1])) k--;
  let cpu = -1;
  if (k > start && b[k - 1] === 93) {
    let m = k - 1;
    while (m > start && isDigit(b[m - 1])) m--;
    if (m === k - 1 || k - 1 - m > 9 || m === start || b[m - 1] !== 91) return false;
    cpu = 0;
    for (let d = m; d < k - 1; d++) cpu = cpu * 10 + (b[d] - 48);
    k = m - 1;
    const bracket = k;
    while (k > start && isSpace(b[k - 1])) k--;
    if (k === bracket) return false;
  } else if (k === j) return false;
  out.headEnd = k;
  out.colon = colon;
  out.cpu = cpu;
  out.time = time;
  return true;
}

export interface StackLine {
  pc: string;
  /** The symbol text (with any +0x offset). */
  rawFunc: string;
  /** The text in the last parentheses: the DSO, "[kernel.kallsyms]", "/tmp/perf-PID.map"... */
  module: string;
  /** Index where rawFunc starts. */
  funcStart: number;
}

/**
 * A frame line, `  ffffffff8103ce3b native_safe_halt+0x1 ([kernel.kallsyms])`, as
 * stackcollapse-perf's `^\s*(\w+)\s*(.+) \((.*)\)`: the symbol ends at the last " (" that
 * has a ")" after it, the module runs to the last ")".
 */
export function parseStackLine(line: string): StackLine | null {
  const n = line.length;
  let i0 = 0;
  while (i0 < n && isSpace(line.charCodeAt(i0))) i0++;
  let wordEnd = i0;
  while (wordEnd < n && isWord(line.charCodeAt(wordEnd))) wordEnd++;
  if (wordEnd === i0) return null;
  let blankEnd = wordEnd;
  while (blankEnd < n && isSpace(line.charCodeAt(blankEnd))) blankEnd++;
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const open = close >= 2 ? line.lastIndexOf(' (', close - 2) : -1;
  if (open < 0) return null;
  // The symbol needs at least one character and the pc at least one word character.
  const q = Math.min(blankEnd, open - 1);
  if (q < i0 + 1) return null;
  return { pc: line.slice(i0, Math.min(q, wordEnd)), rawFunc: line.slice(q, open), module: line.slice(open + 2, close), funcStart: q };
}

/**
 * A sample of a recording without call graphs is one line, the command right-aligned:
 * `            perf  2945 [000] 178226.464329:   1 cycles:ppp:  ffffffff8106a5d6 sym+0x6 (dso)`.
 * Given the line without its leading blanks and its header, the index where the event field
 * ends (after "event:") and the frame part begins; -1 when the line is not of that form.
 */
export function flatRecordFrameStart(line: string, headerEnd: number): number {
  const n = line.length;
  let i = headerEnd;
  // The event is the first field ending in ":" and followed by a blank, after the time field.
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    const start = i;
    while (i < n && !isSpace(line.charCodeAt(i))) i++;
    if (i === start) return -1;
    if (line.charCodeAt(i - 1) === 58 && !isTimeField(line, start, i) && i - start > 1 && !isDigit(line.charCodeAt(start))) {
      return i < n ? i : -1;
    }
  }
}

/** "178226.464329:" */
function isTimeField(line: string, start: number, end: number): boolean {
  for (let j = start; j < end - 1; j++) {
    const c = line.charCodeAt(j);
    if (!isDigit(c) && c !== 46) return false;
  }
  return true;
}
