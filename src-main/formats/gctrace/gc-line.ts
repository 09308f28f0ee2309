// One `gc N @T s U%: …` line of GODEBUG=gctrace=1 (Go 1.18+; the stacks/globals group is
// optional so older lines read too). Heap figures are MiB, truncated, as the runtime prints them.

import type { GcCycle } from './gctrace-types.js';
import { quoteInput } from '../quote-input.js';

const NUM = String.raw`(\d+(?:\.\d+)?(?:e[+-]?\d+)?)`;
const INT = String.raw`(\d+)`;

/** Where a gctrace line starts (program output may precede it on the same line). */
export const GC_LINE_START = /gc \d+ @\d+(?:\.\d+)?s \d+%:/;

const GC_LINE = new RegExp(
  String.raw`^gc ${INT} @${NUM}s ${INT}%: ${NUM}\+${NUM}\+${NUM} ms clock, ${NUM}\+${NUM}/${NUM}/${NUM}\+${NUM} ms cpu, ` +
    String.raw`${INT}->${INT}->${INT} MB, ${INT} MB goal, (?:${INT} MB stacks, ${INT} MB globals, )?${INT} P( \(forced\))?`,
);

// The parts of a line in order, to say which one is wrong when a line does not match.
const PARTS: [RegExp, string][] = [
  [new RegExp(String.raw`^gc ${INT} @${NUM}s ${INT}%: `), 'cycle number, start time and GC CPU %'],
  [new RegExp(String.raw`^${NUM}\+${NUM}\+${NUM} ms clock, `), 'the wall-clock times (a+b+c ms clock)'],
  [new RegExp(String.raw`^${NUM}\+${NUM}/${NUM}/${NUM}\+${NUM} ms cpu, `), 'the CPU times (a+b/c/d+e ms cpu)'],
  [new RegExp(String.raw`^${INT}->${INT}->${INT} MB, `), 'the heap sizes (a->b->c MB)'],
  [new RegExp(String.raw`^${INT} MB goal, `), 'the heap goal (N MB goal)'],
  [new RegExp(String.raw`^(?:${INT} MB stacks, ${INT} MB globals, )?`), 'stacks and globals'],
  [new RegExp(String.raw`^${INT} P`), 'the processor count (N P)'],
];

const MiB = 1 << 20;

/** Goals from here up are the runtime's "no goal" (collection off: about 2^63 bytes printed). */
export const UNBOUNDED_GOAL_BYTES = 2 ** 50;

/** A printed heap goal, or null when it means "collection off". */
export function goalOrNone(bytes: number): number | null {
  return bytes >= UNBOUNDED_GOAL_BYTES ? null : bytes;
}

export type GcLineFields = Omit<GcCycle, 'process' | 'line' | 'pacer' | 'exactHeap'>;

/** Reads a line that starts with `gc N @`; returns the fields, or what is wrong with the line. */
export function parseGcLine(text: string): { fields: GcLineFields } | { problem: string } {
  const m = GC_LINE.exec(text);
  if (!m) return { problem: describeMismatch(text) };
  return fieldsOf(m);
}

/** The fields of a whole, sound gc line, or null (without saying what is wrong: cheaper). */
export function readGcLine(text: string): GcLineFields | null {
  const m = GC_LINE.exec(text);
  if (!m) return null;
  const r = fieldsOf(m);
  return 'fields' in r ? r.fields : null;
}

function fieldsOf(m: RegExpExecArray): { fields: GcLineFields } | { problem: string } {
  const n = (i: number): number => Number(m[i]);
  const fields: GcLineFields = {
    n: n(1),
    atSec: n(2),
    cumulativeCpuPercent: n(3),
    sweepTermMs: n(4),
    markMs: n(5),
    markTermMs: n(6),
    sweepTermCpuMs: n(7),
    assistCpuMs: n(8),
    backgroundCpuMs: n(9),
    idleCpuMs: n(10),
    markTermCpuMs: n(11),
    heapStartBytes: n(12) * MiB,
    heapEndBytes: n(13) * MiB,
    heapLiveBytes: n(14) * MiB,
    goalBytes: goalOrNone(n(15) * MiB),
    stacksBytes: m[16] === undefined ? null : n(16) * MiB,
    globalsBytes: m[17] === undefined ? null : n(17) * MiB,
    procs: n(18),
    forced: m[19] !== undefined,
  };
  if (fields.procs < 1) return { problem: 'the processor count is 0' };
  const bad = Object.entries(fields).find(([, v]) => typeof v === 'number' && !Number.isFinite(v));
  if (bad) return { problem: `${bad[0]} is not a finite number` };
  return { fields };
}

function describeMismatch(text: string): string {
  let rest = text;
  for (const [re, what] of PARTS) {
    const m = re.exec(rest);
    if (!m) {
      const at = text.length - rest.length;
      return rest.length === 0
        ? `the line ends after ${at} characters, before ${what} (truncated?)`
        : `cannot read ${what} at character ${at + 1}: ${quoteInput(rest, 40)}`;
    }
    rest = rest.slice(m[0].length);
  }
  return 'unexpected text';
}
