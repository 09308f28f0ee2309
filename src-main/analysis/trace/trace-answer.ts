// One place that answers a trace question from a parsed trace (used by the trace worker):
// the summary, a blocking profile as a flame graph, a top table or a file, the MMU curve, or the
// timeline framed for the wire and the library (timeline.ts timelineFrame), with the typed arrays
// to transfer rather than copy.

import type { GoTrace, TraceDetail } from '../../model/trace.js';
import { buildFlameGraph } from '../flame-graph.js';
import type { BlockingKind } from './blocking.js';
import { blockingExport, blockingProfileOf, blockingTop, type BlockingExportFormat } from './blocking-views.js';
import { mmuCurve, type MmuOptions } from './mmu.js';
import { summarizeTrace } from './trace-summary.js';
import { timelineFrame } from './timeline.js';
import { traceSpan } from './span-detail.js';
import { gcLogFromTrace } from '../gc/from-trace.js';

export type TraceQuestion = { op: 'summary' } | { op: 'blocking'; kind: BlockingKind } | { op: 'mmu'; options: MmuOptions }
  | { op: 'blocking-top'; kind: BlockingKind; sampleType: 'delay' | 'contentions'; nodecount: number; cum: boolean }
  | { op: 'blocking-export'; kind: BlockingKind; format: BlockingExportFormat }
  | { op: 'timeline-frame' }
  | { op: 'span'; g: number; timeNs: number }
  | { op: 'gclog' };

/** What of a trace a question reads: the summary, its own detail (summarizeTrace reads no metrics and only stop-the-world ranges). */
export const detailFor = (q: TraceQuestion): TraceDetail => (q.op === 'summary' ? 'summary' : 'full');

export function traceAnswer(trace: GoTrace, q: TraceQuestion): { value: unknown; transfer: ArrayBuffer[] } {
  switch (q.op) {
    case 'summary':
      return { value: summarizeTrace(trace), transfer: [] };
    case 'blocking': {
      const profile = blockingProfileOf(trace, q.kind);
      const fg = buildFlameGraph(profile, 1);
      const arrays = [fg.nameIndex, fg.depth, fg.total, fg.self, fg.inlined, fg.delta].filter((a) => a !== null);
      return { value: fg, transfer: arrays.map((a) => a.buffer as ArrayBuffer) };
    }
    case 'blocking-top':
      return { value: blockingTop(blockingProfileOf(trace, q.kind), q.sampleType, q.nodecount, q.cum), transfer: [] };
    case 'blocking-export': {
      const file = blockingExport(blockingProfileOf(trace, q.kind), q.format);
      return { value: file, transfer: [file.bytes.buffer as ArrayBuffer] };
    }
    case 'mmu': {
      const curve = mmuCurve(trace, q.options);
      return { value: curve, transfer: [curve.time.buffer as ArrayBuffer, curve.util.buffer as ArrayBuffer] };
    }
    case 'timeline-frame': {
      const frame = timelineFrame(trace);
      return { value: frame, transfer: [frame.buffer] };
    }
    case 'span':
      return { value: traceSpan(trace, q.g, q.timeNs), transfer: [] };
    case 'gclog':
      return { value: gcLogFromTrace(trace), transfer: [] };
  }
}
