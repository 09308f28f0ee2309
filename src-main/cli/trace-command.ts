// gpw trace ID|FILE [--summary] [--mmu] [--json]: a Go execution trace's summary (blocking totals
// as go tool trace -pprof=net|sync|syscall|sched totals them, goroutine groups, GCs) or its
// minimum mutator utilization curve with its worst windows, for a library trace or a trace file.

import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import type { MmuCurve, TraceSummary } from '../api/trace-types.js';
import type { Engine } from '../engine.js';
import type { TraceOp } from '../workers/trace-worker-protocol.js';
import { formatNs, formatTraceSummary } from '../analysis/trace/trace-text.js';
import { switchFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const TRACE_USAGE = '  gpw trace ID|FILE [--summary | --mmu] [--json]';

export const TRACE_FLAGS: Record<string, FlagSpec> = switchFlags('summary', 'mmu');

/** The trace file gpw trace names, or null when it names a library trace by ID. */
export function traceFileTarget(args: ParsedArgs): string | null {
  const [target, ...extra] = args.positional;
  if (!target || extra.length > 0) throw new GpwError('invalid_argument', 'gpw trace needs one ID or FILE');
  return existsSync(target) ? resolve(target) : null;
}

/**
 * gpw trace: `engine` is null for a trace file (cli/gpw.ts opens no engine then), which is
 * answered on this thread with only the parser and the analyses loaded.
 */
export async function traceCommand(engine: Engine | null, args: ParsedArgs, json: boolean): Promise<string> {
  const file = traceFileTarget(args);
  const target = args.positional[0];
  const name = file ? basename(file) : target;
  const ofFile = async <T>(op: TraceOp): Promise<T> => {
    // The parser and the analyses are loaded only here, not for every gpw command.
    const [{ askTraceFile }, { InThreadTraces }] = await Promise.all([import('../services/trace-files.js'), import('../workers/trace-in-thread.js')]);
    return askTraceFile<T>(new InThreadTraces(), name, file as string, op);
  };
  const library = (): Engine => {
    if (!engine) throw new GpwError('internal', 'gpw trace ID needs the engine');
    return engine;
  };
  if (args.flags.has('mmu')) {
    const curve = file ? await ofFile<MmuCurve>({ op: 'mmu', options: {} }) : await library().traceMmu({ id: target });
    if (json) return JSON.stringify({ windowNs: curve.windowNs, mmu: curve.mmu, worst: curve.worst });
    const worst = curve.worst.flatMap((s) => [
      '',
      `worst ${formatNs(s.windowNs)} windows`,
      '     start  utilization',
      ...s.windows.map((w) => `${formatNs(w.startNs).padStart(10)}  ${(w.util * 100).toFixed(1).padStart(10)}%`),
    ]);
    return ['    window  MMU', ...curve.windowNs.map((w, i) => `${formatNs(w).padStart(10)}  ${curve.mmu[i].toFixed(4)}`), ...worst].join('\n');
  }
  const summary: TraceSummary = file ? await ofFile<TraceSummary>({ op: 'summary' }) : await library().traceSummary({ id: target });
  return json ? JSON.stringify(summary) : formatTraceSummary(summary, name);
}
