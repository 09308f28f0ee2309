// The timeline's time window: which nanosecond is at the left edge and how many nanoseconds a
// pixel spans. Zoom keeps the time under the pointer still; the window stays inside the trace
// (zoomed out, it is the whole trace) and never zooms past a few pixels per nanosecond. Moves
// ease toward a target a little each frame, so wheel and key zooms look continuous.

// The whole trace's window is also the engine's (it rasterises the first view: timeline-overview.ts).
import { MIN_NS_PER_PX, wholeTrace } from '../../src-main/analysis/trace/lane-raster';

export { wholeTrace };

/** The timeline's left column (lane names), in CSS pixels. */
export const TIMELINE_HEAD_W = 230;

/** The width of the timeline's time area in a timeline element `wrapWidth` wide (the view asks the overview for it). */
export function timelineTimeWidth(wrapWidth: number): number {
  return Math.max(50, wrapWidth - TIMELINE_HEAD_W - 12);
}

export interface Viewport {
  t0: number;
  nsPerPx: number;
}


/** The window kept inside the trace: zoomed out at most to the whole trace, never before 0 or after its end. */
export function clampViewport(v: Viewport, durationNs: number, widthPx: number): Viewport {
  const maxNsPerPx = Math.max(MIN_NS_PER_PX, Math.max(1, durationNs) / Math.max(1, widthPx));
  const nsPerPx = Math.min(maxNsPerPx, Math.max(MIN_NS_PER_PX, v.nsPerPx));
  const span = nsPerPx * widthPx;
  const t0 = Math.min(Math.max(v.t0, 0), Math.max(0, durationNs - span));
  return { t0, nsPerPx };
}

/** Zoom by `factor` (> 1 zooms out) keeping the time at x still. */
export function zoomAt(v: Viewport, xPx: number, factor: number): Viewport {
  const t = v.t0 + xPx * v.nsPerPx;
  const nsPerPx = v.nsPerPx * factor;
  return { t0: t - xPx * nsPerPx, nsPerPx };
}

export function panBy(v: Viewport, dxPx: number): Viewport {
  return { t0: v.t0 + dxPx * v.nsPerPx, nsPerPx: v.nsPerPx };
}

/** Show [begin, end] with a small margin. */
export function fitRange(begin: number, end: number, widthPx: number): Viewport {
  const span = Math.max(end - begin, 20 * MIN_NS_PER_PX);
  const nsPerPx = (span * 1.1) / Math.max(1, widthPx);
  return { t0: begin - span * 0.05, nsPerPx };
}

/** One easing step from `cur` toward `target` (scale in log space); null when arrived. */
export function easeToward(cur: Viewport, target: Viewport, k = 0.35): Viewport | null {
  const ls = Math.log(cur.nsPerPx);
  const lt = Math.log(target.nsPerPx);
  const ds = lt - ls;
  const dt = target.t0 - cur.t0;
  if (Math.abs(ds) < 1e-3 && Math.abs(dt) < cur.nsPerPx * 0.5) return null;
  return { t0: cur.t0 + dt * k, nsPerPx: Math.exp(ls + ds * k) };
}

/** Tick spacing in ns (1, 2 or 5 × 10^k) putting ticks at least minPx apart. */
export function tickStep(nsPerPx: number, minPx = 90): number {
  const raw = nsPerPx * minPx;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];

/**
 * A time on the axis: in the unit of its own size (s for 10.4 s, not µs), with the decimals the
 * step needs (10.407577s for a µs step), never an integer of many digits such as 10407577µs.
 */
export function formatTick(t: number, step: number): string {
  const size = Math.max(Math.abs(t), step * 10);
  for (const [unit, name] of UNITS) {
    if (size >= unit || unit === 1) {
      const digits = Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-9));
      return `${(t / unit).toFixed(Math.min(9, digits))}${name}`;
    }
  }
  return `${t}ns`;
}

/** A span's begin and end with the precision its duration needs, so they differ: "10.4075s → 10.4113s". */
export function formatSpan(beginNs: number, endNs: number): string {
  const resolution = Math.pow(10, Math.max(0, Math.floor(Math.log10(Math.max(1, (endNs - beginNs) / 10)))));
  return `${formatTick(beginNs, resolution)} → ${formatTick(endNs, resolution)}`;
}
