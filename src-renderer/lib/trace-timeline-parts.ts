// The full timeline of a trace taken in part by part (traceTimelinePart): each part is a message
// of its own (1 MiB), copied into one buffer as it comes, so the page keeps drawing and answering
// between parts instead of taking in a big trace's tens of MB as one long task. The joined frame
// is decoded once (api/wire.ts: the columns are views into it).

import type { TraceTimelinePart, TraceTimelineWire } from '../../src-main/api/trace-timeline-types';
import { decodeFrame } from '../../src-main/api/wire';

/**
 * Asks part 0, then the others with `inFlight` questions outstanding; null when `current()` turns
 * false on the way (another trace was opened). A part that does not fit the first's frame fails.
 */
export async function fetchTimelineParts(ask: (part: number) => Promise<TraceTimelinePart>, current: () => boolean, inFlight = 2): Promise<TraceTimelineWire | null> {
  const first = await ask(0);
  if (!current()) return null;
  const whole = new Uint8Array(first.total);
  const put = (p: TraceTimelinePart): void => {
    if (p.total !== first.total || p.parts !== first.parts || p.offset < 0 || p.offset + p.bytes.byteLength > whole.byteLength) {
      throw new Error(`timeline part ${p.part} does not fit the timeline's ${first.total} bytes in ${first.parts} parts`);
    }
    whole.set(p.bytes, p.offset);
  };
  put(first);
  let next = 1;
  let stale = false;
  const taker = async (): Promise<void> => {
    while (next < first.parts && !stale) {
      const p = await ask(next++);
      if (!current()) stale = true;
      else put(p);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, taker));
  return stale ? null : (decodeFrame(whole) as TraceTimelineWire);
}
