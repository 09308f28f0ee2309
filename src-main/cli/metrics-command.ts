// gpw metrics --run RUN | --target T: runtime metrics over time from the expvar and Prometheus
// snapshots of a run or of every run a saved target's captures made (a schedule builds them).

import { GpwError } from '../api/errors.js';
import type { Engine } from '../engine.js';
import { flag, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const METRICS_USAGE = `  gpw metrics --run RUN | --target T [--series go_goroutines,memstats.HeapAlloc,…] [--json]
          (every go_*, process_* and memstats series over time, with the slope per hour)`;

export const METRICS_FLAGS: Record<string, FlagSpec> = valueFlags('run', 'target', 'series');

export async function metricsCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  if (args.positional.length) throw new GpwError('invalid_argument', `gpw metrics takes --run or --target, not ${args.positional[0]}\n${METRICS_USAGE}`);
  const run = flag(args, 'run');
  const target = flag(args, 'target');
  if ((run === undefined) === (target === undefined)) throw new GpwError('invalid_argument', `gpw metrics needs one of --run RUN or --target T\n${METRICS_USAGE}`);
  const series = flag(args, 'series')?.split(',').map((s) => s.trim()).filter(Boolean);
  const r = await engine.metricsSeries({ run, target, series });
  if (json) {
    return JSON.stringify({
      series: r.series.map((s) => ({ name: s.name, unit: s.unit, points: s.points, slopePerHour: s.slopePerHour, r2: s.r2, steady: s.steady, description: s.description, runtimeMetric: s.runtimeMetric })),
      markers: r.markers,
      snapshots: r.snapshots,
      warnings: r.warnings,
    });
  }
  const lines = r.warnings.map((w) => `warning: ${w}`);
  const span = r.fromMs !== null && r.toMs !== null ? ` over ${((r.toMs - r.fromMs) / 60000).toFixed(1)} min` : '';
  lines.push(`${r.snapshots} snapshots${span}, ${r.series.length} series, ${r.markers.filter((m) => m.kind === 'gc').length} GC markers, ${r.markers.filter((m) => m.kind === 'capture').length} other captures`);
  for (const s of r.series) {
    const last = s.points.length ? s.points[s.points.length - 1][1] : NaN;
    const slope = s.steady && s.slopePerHour !== null ? `  ${s.slopePerHour >= 0 ? '+' : ''}${fmt(s.slopePerHour)}/hour` : '';
    lines.push(`${s.name.padEnd(48)} ${fmt(last).padStart(14)} ${s.unit.padEnd(12)} ${String(s.points.length).padStart(5)} points${slope}`);
  }
  return lines.join('\n');
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));
