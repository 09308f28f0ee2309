// Go execution traces (format 1.22–1.26): parsed and summarised in the trace worker (or here,
// when the import runs without one), stored as kind 'trace'.

import type { TraceSummary } from '../../api/trace-types.js';
import { parseGoTrace } from '../../formats/gotrace/parse-trace.js';
import { summarizeTrace } from '../../analysis/trace/trace-summary.js';
import { formatNs } from '../../analysis/trace/trace-text.js';
import type { ArtifactReader } from '../reader-types.js';

export const gotraceReader: ArtifactReader = {
  kind: 'trace',
  async read(input, ctx) {
    const s: TraceSummary = ctx.traces
      ? await ctx.traces.ask<TraceSummary>(input.sha256, { op: 'summary' }, () => input.bytes)
      : summarizeTrace(parseGoTrace(input.bytes, 'summary'));
    const headline = `Go ${s.goVersion} trace, ${formatNs(s.durationNs)}, ${s.goroutines} goroutines, ${s.gcCount} GCs, ${s.eventCount} events`;
    return {
      subtype: 'go',
      capturedAt: null,
      durationNs: s.durationNs,
      goVersion: s.goVersion,
      summary: {
        headline,
        goVersion: s.goVersion,
        durationNs: s.durationNs,
        goroutines: s.goroutines,
        gcCount: s.gcCount,
        eventCount: s.eventCount,
        generations: s.generations,
        warning: s.warning,
        // What run comparisons and trends read (analysis/runs/artifact-figures.ts), so they need not parse the trace again.
        blocking: s.blocking,
        stwNs: s.stwNs,
        groups: s.groups.slice(0, 200).map((g) => ({ name: g.name, count: g.count, blockNs: g.blockNs, syscallBlockNs: g.syscallBlockNs, schedWaitNs: g.schedWaitNs })),
      },
    };
  },
};
