// The timeline's answers against Go's own trace reader, on real traces written by each trace
// format version (tests/go/trace-gen.mjs). Every time a goroutine stops waiting, Go's reader
// (tests/go/tracewake, golang.org/x/exp/trace) says which goroutine and P unblocked it, the
// leaf of that event's stack, the block reason and stack, and how long it waited (also as
// time.Duration prints it); gpw's span details (traceSpan, "unblocked by") must say the same,
// and goDuration must print it as Go does. The traceTimeline columns must be the lanes.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error plain JS helper
import { TRACE_TOOLCHAINS, ensureTrace } from '../go/trace-gen.mjs';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { traceLanes } from '../../src-main/analysis/trace/lanes.js';
import { traceSpan } from '../../src-main/analysis/trace/span-detail.js';
import { timelineBuffers, timelineWire, traceTimeline } from '../../src-main/analysis/trace/timeline.js';
import { GoState, type GoTrace } from '../../src-main/model/trace.js';
import { goDuration } from '../../src-renderer/lib/go-duration.js';
import { goWakes, type Wake } from '../helpers/tracewake';

const READABLE: { toolchain: string }[] = TRACE_TOOLCHAINS.filter((t: { format: string }) => t.format !== '1.21');
const traces = new Map<string, { path: string; wakes: Wake[] } | { error: string }>();

beforeAll(async () => {
  for (const { toolchain } of READABLE) {
    try {
      const made = await ensureTrace({ toolchain });
      traces.set(toolchain, { path: made.path, wakes: await goWakes(made.path) });
    } catch (err) {
      traces.set(toolchain, { error: (err as Error).message });
    }
  }
}, 300_000);

/** gpw's wake-ups, per goroutine id in time order, from traceSpan on every waiting interval begun in the trace. */
function gpwWakes(trace: GoTrace): Wake[] {
  const iv = traceLanes(trace).goroutines;
  const out: Wake[] = [];
  for (let g = 0; g < trace.goId.length; g++) {
    for (let k = iv.start[g]; k < iv.start[g + 1]; k++) {
      if (iv.state[k] !== GoState.Waiting) continue;
      const span = traceSpan(trace, g, iv.begin[k])!;
      expect(span.beginNs).toBe(iv.begin[k]);
      // A wait already under way when its generation began has no start event at its begin.
      if (!span.start || span.start.timeNs !== span.beginNs || !span.end) continue;
      const by = span.wokenBy!;
      out.push({
        g: trace.goId[g],
        blockedNs: span.durationNs,
        duration: goDuration(span.durationNs),
        reason: span.reason,
        by: by.byGoroutine ?? -1,
        proc: by.proc,
        leaf: by.stack[0]?.func ?? '',
        blockLeaf: span.start.stack[0]?.func ?? '',
      });
    }
  }
  return out;
}

const key = (w: Wake): string => `${w.g}`;

describe.each(READABLE)('trace written by $toolchain', ({ toolchain }) => {
  test('span details: what unblocked each wait, its stacks, reason and duration, equal Go reader', () => {
    const t = traces.get(toolchain)!;
    if ('error' in t) throw new Error(t.error);
    const trace = parseGoTrace(new Uint8Array(readFileSync(t.path)));
    const ours = gpwWakes(trace);
    // Go's reader lists wake-ups in event order; compare per goroutine, in order.
    const group = (ws: Wake[]): Map<string, Wake[]> => {
      const m = new Map<string, Wake[]>();
      for (const w of ws) m.set(key(w), [...(m.get(key(w)) ?? []), w]);
      return m;
    };
    const theirs = group(t.wakes);
    const mine = group(ours);
    expect(t.wakes.length).toBeGreaterThan(500);
    expect(ours.length).toBe(t.wakes.length);
    let withP = 0;
    for (const [g, list] of theirs) {
      const mineList = mine.get(g) ?? [];
      expect(mineList.length, `wake-ups of goroutine ${g}`).toBe(list.length);
      list.forEach((w, i) => {
        const m = mineList[i];
        expect(m).toEqual({
          g: w.g,
          blockedNs: w.blockedNs,
          duration: w.duration,
          reason: w.reason,
          by: w.by,
          proc: w.proc,
          leaf: w.leaf,
          blockLeaf: w.blockLeaf,
        });
        if (w.proc >= 0) withP++;
      });
    }
    // Out of range: no span (the service answers not_found).
    expect(traceSpan(trace, -1, 0)).toBeNull();
    expect(traceSpan(trace, trace.goId.length, 0)).toBeNull();
    expect(traceSpan(trace, 0, trace.durationNs + 1)).toBeNull();
    // The unblocking goroutine is the one running on the event's P; without a P (the network poller, sysmon) there is none.
    console.log(`${toolchain}: ${t.wakes.length} wake-ups equal Go's reader (${withP} by a goroutine on a P, ${t.wakes.length - withP} without a P)`);
  });

  test('traceTimeline sends the lanes as typed arrays, with its own string table', () => {
    const t = traces.get(toolchain)!;
    if ('error' in t) throw new Error(t.error);
    const trace = parseGoTrace(new Uint8Array(readFileSync(t.path)));
    const lanes = traceLanes(trace);
    const tl = traceTimeline(trace);
    expect(Array.from(tl.goroutines.begin)).toEqual(Array.from(lanes.goroutines.begin));
    // The ends the wire left out are rebuilt exactly.
    expect(Array.from(tl.goroutines.end)).toEqual(Array.from(lanes.goroutines.end));
    expect(Array.from(tl.goroutines.proc)).toEqual(Array.from(lanes.goroutines.proc));
    expect(Array.from(tl.goroutines.state)).toEqual(Array.from(lanes.goroutines.state));
    expect(Array.from(tl.procs.g)).toEqual(Array.from(lanes.procs.g));
    for (let i = 0; i < tl.goroutines.reason.length; i++) {
      if (tl.strings[tl.goroutines.reason[i]] !== trace.strings[lanes.goroutines.reason[i]]) throw new Error(`reason of row ${i}`);
    }
    expect(tl.strings.length).toBeLessThan(trace.strings.length);
    expect(tl.heapAlloc.time.length).toBeGreaterThan(0);
    expect(tl.ranges.end.every((e) => !Number.isNaN(e))).toBe(true);
    // Buffers are distinct (transferable) and are copies: the cached lanes stay usable.
    const wire = timelineWire(trace);
    const buffers = timelineBuffers(wire);
    expect(new Set(buffers).size).toBe(buffers.length);
    for (const b of [lanes.goroutines.begin, lanes.goroutines.end, lanes.goroutines.state, lanes.goroutines.proc, lanes.procs.begin]) expect(buffers).not.toContain(b.buffer);
    // Lanes without gaps: no per-row ends cross, and reasons and Ps go as 16-bit numbers.
    expect(wire.goroutines.end).toBeNull();
    expect(wire.goroutines.reason).toBeInstanceOf(Uint16Array);
    expect(wire.goroutines.proc).toBeInstanceOf(Int16Array);
    const bytes = (bs: ArrayBuffer[]): number => bs.reduce((n, b) => n + b.byteLength, 0);
    console.log(`${toolchain}: timeline of ${tl.goroutines.begin.length} goroutine intervals crosses as ${bytes(buffers)} bytes (${bytes(timelineBuffers(tl))} unpacked)`);
  });
});
