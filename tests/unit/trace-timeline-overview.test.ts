// Opening a big trace fast (issue 15): the timeline's first view, rasterised by the engine
// (analysis/trace/timeline-overview.ts), must be the rectangles the canvas draws from the full
// timeline for the same window (analysis/trace/lane-raster.ts over lib/trace-timeline-data.ts's
// lanes), lane by lane, with each single-interval run's state, reason, P or goroutine; its
// timeline must be the full one without the interval columns. Decode once: a library trace's
// timeline and summary are kept at import (trace_views), so an engine opened on the library
// later answers both without parsing the trace, the same answers, and the rows go with the trace;
// the timeline taken in parts (traceTimelinePart, as the view takes it in) is the same frame.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
// @ts-expect-error plain JS helper
import { ensureTrace } from '../go/trace-gen.mjs';
import { repoPath, tempDir } from '../helpers/paths.js';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { timelineFrame, timelineWire, traceTimeline } from '../../src-main/analysis/trace/timeline.js';
import { timelineOverview } from '../../src-main/analysis/trace/timeline-overview.js';
import { summarizeTrace } from '../../src-main/analysis/trace/trace-summary.js';
import { laneClassesSliced, prepareTimeline } from '../../src-renderer/lib/trace-timeline-data.js';
import { fetchTimelineParts } from '../../src-renderer/lib/trace-timeline-parts.js';
import { RunBuffer, rasterLane, type LaneSource } from '../../src-main/analysis/trace/lane-raster.js';
import { wholeTrace } from '../../src-renderer/lib/trace-viewport.js';
import { Engine } from '../../src-main/engine.js';
import type { TraceTimelineWire } from '../../src-main/api/trace-timeline-types.js';

let path: string;
const tmp = tempDir('gpw-trace-overview-');

beforeAll(async () => {
  path = (await ensureTrace({ toolchain: 'local' })).path;
}, 300_000);

afterAll(() => tmp.cleanup());

describe('the timeline overview', () => {
  test.each([300, 1358])('every lane at %i px: the runs the canvas draws from the full timeline', (widthPx) => {
    const trace = parseGoTrace(new Uint8Array(readFileSync(path)));
    const full = prepareTimeline(traceTimeline(trace));
    const ov = timelineOverview(timelineWire(trace), widthPx);
    const w = { ...wholeTrace(full.tl.durationNs, widthPx), widthPx };
    expect(ov.window).toEqual(w);
    const lanes: [LaneSource, boolean][] = [...full.goLanes.map((l): [LaneSource, boolean] => [l, false]), ...full.procLanes.map((l): [LaneSource, boolean] => [l, true])];
    expect(ov.runs.start.length).toBe(lanes.length + 1);
    const buf = new RunBuffer();
    let singles = 0;
    let dense = 0;
    for (const [k, [src, isProc]] of lanes.entries()) {
      buf.reset();
      rasterLane({ ...src, prefix: null }, w, buf);
      const lo = ov.runs.start[k];
      expect(ov.runs.start[k + 1] - lo, `lane ${k}`).toBe(buf.n);
      if (src.hi - src.lo > widthPx) dense++;
      for (let r = 0; r < buf.n; r++) {
        const i = buf.index[r];
        const got = [ov.runs.x0[lo + r], ov.runs.x1[lo + r], ov.runs.cls[lo + r], ov.runs.fill[lo + r], ov.runs.single[lo + r]];
        expect(got, `lane ${k} run ${r}`).toEqual([buf.x0[r], buf.x1[r], buf.cls[r], buf.fill[r], i >= 0 ? 1 : 0]);
        if (i < 0) continue;
        singles++;
        const go = full.tl.goroutines;
        const attrs = [ov.runs.state[lo + r], ov.runs.reason[lo + r], ov.runs.proc[lo + r], ov.runs.g[lo + r]];
        expect(attrs).toEqual(isProc ? [0, 0, -1, full.tl.procs.g[i]] : [go.state[i], go.reason[i], go.proc[i], -1]);
      }
    }
    // The trace has lanes denser than the window (merged columns) and wide single intervals.
    expect(dense).toBeGreaterThan(0);
    expect(singles).toBeGreaterThan(0);
  });

  test('its timeline is the full one without the interval columns', () => {
    const trace = parseGoTrace(new Uint8Array(readFileSync(path)));
    const full = traceTimeline(trace);
    const { timeline } = timelineOverview(timelineWire(trace), 800);
    for (const k of ['begin', 'end', 'state', 'reason', 'proc'] as const) expect(timeline.goroutines[k]).toHaveLength(0);
    for (const k of ['begin', 'end', 'g'] as const) expect(timeline.procs[k]).toHaveLength(0);
    expect(timeline.goroutines.start).toEqual(full.goroutines.start);
    expect(timeline.procs.start).toEqual(full.procs.start);
    for (const k of ['id', 'name', 'label', 'blockedNs'] as const) expect(timeline.goroutines[k]).toEqual(full.goroutines[k]);
    expect({ ...timeline, goroutines: null, procs: null }).toEqual({ ...full, goroutines: null, procs: null });
  });
  test('the view prepares the full timeline in slices from the overview\'s data: the same as at once', async () => {
    const trace = parseGoTrace(new Uint8Array(readFileSync(path)));
    const tl = traceTimeline(trace);
    const whole = prepareTimeline(tl);
    const ov = timelineOverview(timelineWire(trace), 800);
    const first = prepareTimeline(ov.timeline, { overview: { window: ov.window, runs: ov.runs }, key: 'k' });
    let tasks = 0;
    const classes = (await laneClassesSliced(tl, async () => (tasks++, true), 1000))!;
    expect(tasks).toBe(Math.ceil(tl.goroutines.begin.length / 1000));
    const full = prepareTimeline(tl, { key: 'k', firstView: first.firstView, classes, from: first });
    expect(full.overview).toBeNull();
    expect(full.firstView).toBe(first.firstView);
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    expect(same(classes.go, whole.goLanes[0].cls)).toBe(true);
    expect(same(classes.proc, whole.procLanes[0].cls)).toBe(true);
    const bounds = (lanes: LaneSource[]): number[][] => lanes.map((l) => [l.lo, l.hi]);
    expect(bounds(full.goLanes)).toEqual(bounds(whole.goLanes));
    expect(bounds(full.procLanes)).toEqual(bounds(whole.procLanes));
    for (const k of ['gcBand', 'stwBand', 'assistBand', 'regionsOf', 'assistsOf', 'taskRow', 'taskRows', 'heapMax'] as const) expect(full[k], k).toEqual(whole[k]);
    // A view that moved on stops the slices.
    expect(await laneClassesSliced(tl, async () => false, 1000)).toBeNull();
  });
});

describe('decode once: the kept timeline and summary', () => {
  test('an engine opened later answers them without parsing, the same; deleting the trace drops them', async () => {
    const library = join(tmp.dir, 'lib.sqlite');
    // As `gpw import` runs: on its own thread, precomputing what later views need.
    const importer = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js'), tracesInThread: true });
    let id: string;
    try {
      id = (await importer.importPaths([path])).artifacts[0].id;
    } finally {
      await importer.close();
    }
    const engine = new Engine({ libraryPath: library, workerPath: repoPath('out/main/profile-worker.js'), tracesInThread: true });
    const rows = (): number => (engine.library.db.prepare('SELECT count(*) AS n FROM trace_views').get() as { n: number }).n;
    try {
      expect(rows()).toBe(2);
      const ask = vi.spyOn(engine.traces.worker, 'ask');
      const trace = parseGoTrace(new Uint8Array(readFileSync(path)));
      const overview = await engine.traceTimelineOverview({ id, widthPx: 640 });
      expect(overview.runs).toEqual(timelineOverview(timelineWire(trace), 640).runs);
      // The view takes the timeline in parts: joined, they are the frame of the same wire (this
      // small trace's cut finer than a big one's 1 MiB parts, so it has several).
      const size = (engine.traces.partBytes = 64 * 1024);
      const first = await engine.traceTimelinePart({ id, part: 0 });
      const joined = new Uint8Array(first.total);
      for (let k = 0; k < first.parts; k++) {
        const p = k === 0 ? first : await engine.traceTimelinePart({ id, part: k });
        expect([p.part, p.parts, p.total, p.offset]).toEqual([k, first.parts, first.total, k * size]);
        expect(p.bytes.byteLength).toBe(Math.min(size, first.total - p.offset));
        // A copy of the part alone, not a view of the whole frame (IPC would clone all of it).
        expect(p.bytes.buffer.byteLength).toBe(p.bytes.byteLength);
        joined.set(p.bytes, p.offset);
      }
      await expect(engine.traceTimelinePart({ id, part: first.parts })).rejects.toThrow(/no part/);
      expect(first.parts).toBeGreaterThan(2);
      const frame = timelineFrame(trace);
      console.log(`timeline frame: ${frame.byteLength} bytes in ${first.parts} parts`);
      expect(Buffer.from(joined.buffer).equals(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength))).toBe(true);
      const wire = await engine.traceTimeline({ id });
      const expected: TraceTimelineWire = timelineWire(trace);
      // As the view takes it in: parts asked a few at a time, joined, decoded once.
      const fetched = await fetchTimelineParts((part) => engine.traceTimelinePart({ id, part }), () => true, 3);
      for (const w of [wire, fetched!]) {
        for (const k of Object.keys(expected.goroutines) as (keyof TraceTimelineWire['goroutines'])[]) expect(w.goroutines[k], k).toEqual(expected.goroutines[k]);
        expect(w.procs).toEqual(expected.procs);
        expect(w.strings).toEqual(expected.strings);
      }
      // Another trace opened on the way: nothing is returned.
      expect(await fetchTimelineParts((part) => engine.traceTimelinePart({ id, part }), () => false)).toBeNull();
      expect(await engine.traceSummary({ id })).toEqual(JSON.parse(JSON.stringify(summarizeTrace(trace))));
      expect(ask).not.toHaveBeenCalled();
      await engine.deleteArtifact({ id });
      expect(rows()).toBe(0);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
