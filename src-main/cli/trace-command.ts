// gpw trace ID|FILE [--summary] [--mmu] [--json]: a Go execution trace's summary (blocking totals
// as go tool trace -pprof=net|sync|syscall|sched totals them, goroutine groups, GCs) or its
// minimum mutator utilization curve with its worst windows, for a library trace or a trace file.

import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import type { TraceSummary } from '../api/trace-types.js';
import { readInputFile, type Engine } from '../engine.js';
import { formatNs, formatTraceSummary } from '../analysis/trace/trace-text.js';
import { switchFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const TRACE_USAGE = '  gpw trace ID|FILE [--summary | --mmu] [--json]';

export const TRACE_FLAGS: Record<string, FlagSpec> = switchFlags('summary', 'mmu');

export async function traceCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const [target, ...extra] = args.positional;
  if (!target || extra.length > 0) throw new GpwError('invalid_argument', 'gpw trace needs one ID or FILE');
  const file = existsSync(target) ? resolve(target) : null;
  const name = file ? basename(file) : target;
  if (args.flags.has('mmu')) {
    const curve = file ? await engine.traces.mmuOfBytes(name, readInputFile(file), {}) : await engine.traceMmu({ id: target });
    if (json) return JSON.stringify({ windowNs: curve.windowNs, mmu: curve.mmu, worst: curve.worst });
    const worst = curve.worst.flatMap((s) => [
      '',
      `worst ${formatNs(s.windowNs)} windows`,
      '     start  utilization',
      ...s.windows.map((w) => `${formatNs(w.startNs).padStart(10)}  ${(w.util * 100).toFixed(1).padStart(10)}%`),
    ]);
    return ['    window  MMU', ...curve.windowNs.map((w, i) => `${formatNs(w).padStart(10)}  ${curve.mmu[i].toFixed(4)}`), ...worst].join('\n');
  }
  const summary: TraceSummary = file ? await engine.traces.summaryOfBytes(name, readInputFile(file)) : await engine.traceSummary({ id: target });
  return json ? JSON.stringify(summary) : formatTraceSummary(summary, name);
}
