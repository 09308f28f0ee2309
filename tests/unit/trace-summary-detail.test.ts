// A trace parsed for its summary alone (TraceDetail 'summary', as gpw trace FILE --summary and
// an import without the trace worker parse it) keeps no metrics and, of the ranges, only the
// stop-the-world ones, and gives the very summary the whole model gives: for an intact trace of
// each format version, and for truncated and bit-flipped copies (the same warnings, and the same
// errors with the same byte offsets, so the parser's checks on the ranges it drops still hold).
import { beforeAll, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
// @ts-expect-error plain JS helper
import { TRACE_TOOLCHAINS, ensureTrace } from '../go/trace-gen.mjs';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { summarizeTrace } from '../../src-main/analysis/trace/trace-summary.js';
import { RangeKind, timeAt, timesOf, type GoTrace, type TraceDetail } from '../../src-main/model/trace.js';
import { InThreadTraces } from '../../src-main/workers/trace-in-thread.js';
import { memoryTraceBytes } from '../../src-main/formats/gotrace/trace-bytes.js';
import { damagedCopies } from '../helpers/damaged-traces.js';

const traces = new Map<string, string>();
const READABLE: string[] = TRACE_TOOLCHAINS.filter((t: { format: string }) => t.format !== '1.21').map((t: { toolchain: string }) => t.toolchain);

beforeAll(async () => {
  for (const toolchain of READABLE) traces.set(toolchain, (await ensureTrace({ toolchain })).path);
}, 300_000);

/** The summary of `bytes` parsed with `detail`, or the parse error's message. */
function summaryOf(bytes: Uint8Array, detail: TraceDetail): unknown {
  try {
    return summarizeTrace(parseGoTrace(bytes, detail));
  } catch (err) {
    return (err as Error).message;
  }
}

/** The stop-the-world ranges as rows. */
const stwRows = (t: GoTrace): number[][] =>
  Array.from({ length: t.ranges.count }, (_, i) => i)
    .filter((i) => t.ranges.kind[i] === RangeKind.Stw)
    .map((i) => [timeAt(t.ranges.begin, i), t.ranges.end[i], t.ranges.owner[i], t.ranges.name[i]]);

test.each(READABLE)('a trace written by %s parsed for its summary: no metrics, only stop-the-world ranges, the same summary', async (toolchain) => {
  const bytes = new Uint8Array(readFileSync(traces.get(toolchain)!));
  const full = parseGoTrace(bytes);
  const part = parseGoTrace(bytes, 'summary');
  expect(full.metrics.count).toBeGreaterThan(0);
  expect(full.ranges.count).toBeGreaterThan(stwRows(full).length);
  expect(part.metrics.count).toBe(0);
  expect(Array.from(part.ranges.kind).every((k) => k === RangeKind.Stw)).toBe(true);
  expect(stwRows(part)).toEqual(stwRows(full));
  expect(timesOf(part.transitions.time)).toEqual(timesOf(full.transitions.time));
  expect(summarizeTrace(part)).toEqual(summarizeTrace(full));
  // gpw trace FILE --summary asks so, once, on its own thread.
  expect(await new InThreadTraces().askSource({ op: 'summary' }, memoryTraceBytes(bytes))).toEqual(summarizeTrace(full));
}, 60_000);

test('truncated and bit-flipped traces parsed for their summary: the same summaries, warnings and errors as the whole model', () => {
  const original = new Uint8Array(readFileSync(traces.get('local')!));
  // Cut inside the first generation (an error) and inside a later one (a warning; gotrace.test.ts), and at random.
  const inputs = [original.subarray(0, 200), original.subarray(0, Math.floor(original.length * 0.9)), ...damagedCopies(original, 777, 8, 16)];
  let errors = 0;
  let warnings = 0;
  for (const input of inputs) {
    const full = summaryOf(input, 'full');
    if (typeof full === 'string') errors++;
    else if ((full as { warning: string | null }).warning) warnings++;
    expect(summaryOf(input, 'summary')).toEqual(full);
  }
  expect(errors).toBeGreaterThan(0);
  expect(warnings).toBeGreaterThan(0);
}, 120_000);
