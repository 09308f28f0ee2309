// Goroutine dumps (/debug/pprof/goroutine?debug=2 or ?debug=1, goroutineleak, custom profiles'
// debug=1 text): read and summarised (goroutines, groups, the largest states). Kind 'goroutines',
// subtype the profile's name; the goroutines view (services/goroutine-service.ts) reads it again.

import type { OtherSummary } from '../../api/types.js';
import { parseGoroutineDump } from '../../formats/goroutine-dump/parse-goroutine-dump.js';
import type { GoroutineDump } from '../../formats/goroutine-dump/dump-types.js';
import { groupGoroutines } from '../../analysis/goroutines/goroutine-groups.js';
import type { ArtifactReader } from '../reader-types.js';

export interface GoroutinesSummary extends OtherSummary {
  format: GoroutineDump['format'];
  goroutines: number;
  groups: number;
  leaked: number;
  states: { state: string; count: number }[];
  cutAt: GoroutineDump['cutAt'];
  warnings: string[];
}

/** The dump's profile name: a debug=2 text says it only by its leaked goroutines or its file name. */
export function dumpSubtype(dump: GoroutineDump, fileName: string): string {
  if (dump.format === 'debug=1') return dump.profile;
  return dump.goroutines.some((g) => g.leaked) || /goroutineleak/.test(fileName) ? 'goroutineleak' : 'goroutine';
}

export const goroutineDumpReader: ArtifactReader = {
  kind: 'goroutines',
  async read(input) {
    const dump = parseGoroutineDump(input.bytes);
    const grouped = groupGoroutines(dump);
    const leaked = dump.goroutines.reduce((s, g) => s + (g.leaked ? g.count : 0), 0);
    const top = grouped.states.slice(0, 3).map((s) => `${s.state || 'stacks'} ${s.count}`).join(', ');
    const summary: GoroutinesSummary = {
      headline: `${dump.total} goroutines in ${grouped.groups.length} groups (${dump.format}${dump.profile !== 'goroutine' ? `, ${dump.profile}` : ''})${leaked ? `, ${leaked} leaked` : ''}${top ? `: ${top}` : ''}${dump.cutAt ? '; cut short' : ''}`,
      format: dump.format,
      goroutines: dump.total,
      groups: grouped.groups.length,
      leaked,
      states: grouped.states.slice(0, 20),
      cutAt: dump.cutAt,
      warnings: dump.warnings.slice(0, 20),
    };
    return { subtype: dumpSubtype(dump, input.name), capturedAt: null, durationNs: null, goVersion: null, summary };
  },
};
