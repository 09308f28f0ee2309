// expvar's /debug/vars JSON: checked and summarised (how many vars, memstats highlights, the
// command line). Kind 'metrics'.

import { FormatError } from '../../formats/format-error.js';
import { safeMessage } from '../../formats/quote-input.js';
import type { OtherSummary } from '../../api/types.js';
import type { ArtifactReader } from '../reader-types.js';

const MEMSTATS = ['HeapAlloc', 'HeapInuse', 'HeapObjects', 'Sys', 'TotalAlloc', 'Mallocs', 'Frees', 'NumGC', 'PauseTotalNs', 'NextGC', 'GCCPUFraction'] as const;

export interface ExpvarSummary extends OtherSummary {
  vars: number;
  names: string[];
  memstats: Partial<Record<(typeof MEMSTATS)[number], number>>;
  cmdline: string[] | null;
}

export function summarizeExpvar(bytes: Uint8Array): ExpvarSummary {
  let doc: unknown;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message);
    const at = pos ? Number(pos[1]) : undefined;
    const line = at !== undefined ? text.slice(0, at).split('\n').length : undefined;
    throw new FormatError(`not valid JSON${line !== undefined ? ` (line ${line}, byte ${at})` : ''}: ${safeMessage((err as Error).message, 200)}`, at);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new FormatError('expvar JSON must be an object of vars');
  const vars = doc as Record<string, unknown>;
  const memstats: ExpvarSummary['memstats'] = {};
  const ms = vars.memstats;
  if (ms !== undefined) {
    if (typeof ms !== 'object' || ms === null) throw new FormatError('"memstats" is not an object');
    for (const k of MEMSTATS) {
      const v = (ms as Record<string, unknown>)[k];
      if (typeof v === 'number') memstats[k] = v;
    }
  }
  const cmd = vars.cmdline;
  const cmdline = Array.isArray(cmd) && cmd.every((a) => typeof a === 'string') ? (cmd as string[]) : null;
  const names = Object.keys(vars).sort();
  const parts = [`${names.length} vars`];
  if (memstats.HeapAlloc !== undefined) parts.push(`heap ${(memstats.HeapAlloc / 2 ** 20).toFixed(1)} MiB`);
  if (memstats.NumGC !== undefined) parts.push(`${memstats.NumGC} GCs`);
  return { headline: `expvar: ${parts.join(', ')}`, vars: names.length, names: names.slice(0, 200), memstats, cmdline };
}

export const expvarReader: ArtifactReader = {
  kind: 'metrics',
  async read(input) {
    return { subtype: 'expvar', capturedAt: null, durationNs: null, goVersion: null, summary: summarizeExpvar(input.bytes) };
  },
};
