// The engine's execution-trace methods: library traces (and, for the CLI, files) answered by
// the trace worker, which parses each trace once and keeps it for the next question (or, in a
// one-shot CLI process, on the calling thread: workers/trace-in-thread.ts). What opening a
// trace asks first (its timeline and summary) is kept in the library (library/trace-view-store.ts)
// when first made, at import where the import precomputes: the next open parses nothing.

import type { Artifact, ExportedView, FlameGraph, TopTable } from '../api/types.js';
import type { BlockingExportFormat } from '../analysis/trace/blocking-views.js';
import type { BlockingKind, MmuCurve, TraceSummary } from '../api/trace-types.js';
import type { MmuOptions } from '../analysis/trace/mmu.js';
import { TIMELINE_PART_BYTES, type TraceSpan, type TraceTimelineOverview, type TraceTimelinePart, type TraceTimelineWire } from '../api/trace-timeline-types.js';
import { timelineOverview } from '../analysis/trace/timeline-overview.js';
import { GpwError } from '../api/errors.js';
import type { GcLog } from '../formats/gctrace/gctrace-types.js';
import type { Library } from '../library/library.js';
import { askTraceBytes } from './trace-files.js';
import { TraceWorkerClient, type TraceAsker } from '../workers/trace-worker-client.js';
import { InThreadTraces } from '../workers/trace-in-thread.js';
import type { TraceOp } from '../workers/trace-worker-protocol.js';
import { TraceViewStore } from '../library/trace-view-store.js';
import { decodeFrame, encodeFrame } from '../api/wire.js';

/** Version of the kept frames' layout (timelineWire's shape, TraceSummary's; 2: rows carry their inflated length): kept rows of another version are made again. */
const KEPT_FORMAT = 2;
type KeptView = 'timeline' | 'summary';

export class TraceService {
  readonly worker: TraceAsker;
  private readonly kept: TraceViewStore;
  /**
   * The timeline frames overviews were last made from (two: two windows opening traces at once
   * each keep theirs), by SHA-256, until the view has taken it (all its parts, or traceTimeline).
   */
  private readonly heldTimelines = new Map<string, Uint8Array>();
  /** The size of a timeline part (TIMELINE_PART_BYTES; tests cut a small trace's timeline finer). */
  partBytes = TIMELINE_PART_BYTES;

  /** workerPath: the trace worker's script, or null to answer on the calling thread. */
  constructor(
    private readonly library: Library,
    workerPath: string | null,
  ) {
    this.worker = workerPath === null ? new InThreadTraces() : new TraceWorkerClient(workerPath);
    this.kept = new TraceViewStore(library.db);
  }

  close(): Promise<void> {
    return this.worker.close();
  }

  async summary(id: string): Promise<TraceSummary> {
    return decodeFrame(await this.keptFrame(id, 'summary')) as TraceSummary;
  }

  blockingProfile(id: string, kind: BlockingKind): Promise<FlameGraph> {
    return this.ask(id, { op: 'blocking', kind });
  }

  /** The blocking profile's `go tool pprof -top` table (delay by default; nodecount 0: every row; cum: ordered as -top -cum). */
  blockingTop(id: string, kind: BlockingKind, o: { sampleType?: 'delay' | 'contentions'; nodecount?: number; cum?: boolean } = {}): Promise<TopTable> {
    return this.ask(id, { op: 'blocking-top', kind, sampleType: o.sampleType ?? 'delay', nodecount: o.nodecount ?? 50, cum: o.cum === true });
  }

  /** The blocking profile as a pprof file (as go tool trace -pprof=KIND writes) or folded stacks of delay. */
  async blockingExport(id: string, kind: BlockingKind, format: BlockingExportFormat): Promise<ExportedView> {
    const a = this.requireTrace(id);
    const stem = (a.file ?? a.id).replace(/^.*[\\/]/, '').replace(/\.(out|trace|bin)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'trace';
    const file = await this.ask<{ bytes: Uint8Array; mediaType: string; extension: string }>(id, { op: 'blocking-export', kind, format });
    return { name: `${stem}-${kind}${file.extension}`, mediaType: file.mediaType, bytes: file.bytes };
  }

  mmu(id: string, options: MmuOptions): Promise<MmuCurve> {
    return this.ask(id, { op: 'mmu', options });
  }

  /** The lanes, ranges and series the timeline draws, as typed arrays (the wire form: analysis/trace/timeline.ts). */
  async timeline(id: string): Promise<TraceTimelineWire> {
    const frame = await this.timelineFrame(id);
    // The timeline the overview was made from, asked for next by the same view: taken once.
    this.heldTimelines.delete(this.requireTrace(id).sha256);
    return decodeFrame(frame) as TraceTimelineWire;
  }

  /** The timeline's first view at the view's width (analysis/trace/timeline-overview.ts); the timeline's frame stays for the view's next questions. */
  async timelineOverview(id: string, widthPx: number): Promise<TraceTimelineOverview> {
    const frame = await this.timelineFrame(id);
    this.hold(this.requireTrace(id).sha256, frame);
    // The wire's columns are views into the frame (no copy).
    return timelineOverview(decodeFrame(frame) as TraceTimelineWire, widthPx);
  }

  /**
   * Part `part` of the timeline's frame (api/trace-timeline-types.ts TraceTimelinePart): the frame
   * the overview was made from is held until its last part is taken, so the parts are cut from
   * one inflated copy.
   */
  async timelinePart(id: string, part: number): Promise<TraceTimelinePart> {
    const frame = await this.timelineFrame(id);
    const sha256 = this.requireTrace(id).sha256;
    const size = this.partBytes;
    const parts = Math.max(1, Math.ceil(frame.byteLength / size));
    if (part >= parts) throw new GpwError('invalid_argument', `the timeline of trace ${id} has ${parts} part(s); there is no part ${part}`);
    if (part === parts - 1) this.heldTimelines.delete(sha256);
    else this.hold(sha256, frame);
    // A copy of the part alone (Buffer#slice would be a view): a view would carry the whole frame through IPC's structured clone.
    const offset = part * size;
    const bytes = Uint8Array.prototype.slice.call(frame, offset, Math.min(frame.byteLength, offset + size));
    return { part, parts, total: frame.byteLength, offset, bytes };
  }

  /** The timeline's frame: the one held for the view, or the kept one. */
  private async timelineFrame(id: string): Promise<Uint8Array> {
    return this.heldTimelines.get(this.requireTrace(id).sha256) ?? this.keptFrame(id, 'timeline');
  }

  private hold(sha256: string, frame: Uint8Array): void {
    this.heldTimelines.delete(sha256);
    this.heldTimelines.set(sha256, frame);
    while (this.heldTimelines.size > 2) this.heldTimelines.delete(this.heldTimelines.keys().next().value as string);
  }

  /** Makes and keeps what opening the trace asks first (the import calls it while the worker still holds the parsed trace). */
  async keepOpenViews(id: string): Promise<void> {
    const sha256 = this.requireTrace(id).sha256;
    for (const view of ['timeline', 'summary'] as const) {
      if (!this.kept.get(sha256, view, KEPT_FORMAT)) this.kept.put(sha256, view, KEPT_FORMAT, await this.makeFrame(id, view));
    }
  }

  /** The span of goroutine g (dense index) at a time: state, reason, stacks, what woke it. */
  async span(id: string, g: number, timeNs: number): Promise<TraceSpan> {
    const span = await this.ask<TraceSpan | null>(id, { op: 'span', g, timeNs });
    if (!span) throw new GpwError('not_found', `goroutine index ${g} has no span at ${timeNs} ns in trace ${id}`);
    return span;
  }

  /** The trace's complete GC cycles as a GC log (analysis/gc/from-trace.ts), for the GC service. */
  gcLog(id: string): Promise<GcLog> {
    return this.ask(id, { op: 'gclog' });
  }

  gcLogOfBytes(name: string, bytes: Uint8Array): Promise<GcLog> {
    return this.askBytes(name, bytes, { op: 'gclog' });
  }

  /** Summary of a trace file that is not in the library (the CLI reads it). */
  summaryOfBytes(name: string, bytes: Uint8Array): Promise<TraceSummary> {
    return this.askBytes(name, bytes, { op: 'summary' });
  }

  private askBytes<T>(name: string, bytes: Uint8Array, op: TraceOp): Promise<T> {
    return askTraceBytes(this.worker, name, bytes, op);
  }

  /** A kept view's frame, or the worker's, kept once the answer is on its way (a write that fails is tried again on the next open). */
  private async keptFrame(id: string, view: KeptView): Promise<Uint8Array> {
    const sha256 = this.requireTrace(id).sha256;
    const stored = this.kept.get(sha256, view, KEPT_FORMAT);
    if (stored) return stored;
    const frame = await this.makeFrame(id, view);
    setImmediate(() => {
      try {
        this.kept.put(sha256, view, KEPT_FORMAT, frame);
      } catch {
        // The library is busy or read-only: the answer is made again next time.
      }
    });
    return frame;
  }

  /** The timeline is framed by the worker from its cached lanes (no copy of them first); the summary here. */
  private async makeFrame(id: string, view: KeptView): Promise<Uint8Array> {
    return view === 'timeline' ? this.ask<Uint8Array>(id, { op: 'timeline-frame' }) : encodeFrame(await this.ask(id, { op: 'summary' }));
  }

  private async ask<T>(id: string, op: TraceOp): Promise<T> {
    const artifact = this.requireTrace(id);
    return this.worker.ask<T>(artifact.sha256, op, () => {
      const bytes = this.library.blobs.get(artifact.sha256);
      if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${id}`);
      return bytes;
    });
  }

  private requireTrace(id: string): Artifact {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    if (a.kind !== 'trace') throw new GpwError('invalid_argument', `artifact ${id} is a ${a.kind}, not an execution trace`);
    return a;
  }
}
