// A runtime/metrics dump: JSON lines, one snapshot per line, as a few lines of Go write them
// (docs/gc-whatif-inputs.md):
//   {"time":"2026-12-06T10:00:00.123Z","metrics":{"/gc/gogc:percent":100,"/gc/heap/live:bytes":16777216,…}}
// "time" is RFC 3339 text or milliseconds since the epoch; values are numbers (histograms, as
// objects, are skipped). Pure: bytes → snapshots, a bad line is a FormatError naming it.

import { FormatError } from './format-error.js';
import { escapeControls, quoteInput } from './quote-input.js';
import { forEachLine } from './text-lines.js';

export interface RuntimeMetricsSnapshot {
  /** The artifact (and, in a dump, its line) the snapshot comes from. */
  id: string;
  atMs: number;
  /** runtime/metrics name ("/gc/gogc:percent") → value. */
  values: Record<string, number>;
}

/** A runtime/metrics dump's first line: a JSON object with "time" and "metrics" holding a "/…:unit" name. */
export function looksLikeRuntimeMetricsDump(headText: string): boolean {
  const first = /^\s*([^\n]*)/.exec(headText)![1];
  return /^\{/.test(first) && /"metrics"\s*:\s*\{/.test(first) && /"\/[a-z]+\/[^"]*:[a-z-]+"\s*:/.test(first);
}

/**
 * Reads a runtime/metrics dump: one JSON object per line (text-lines.ts's forEachLine: decoded a
 * piece at a time, never one string of the whole file); a bad line is a FormatError naming it.
 * Histograms (objects) are skipped; `names` counts the distinct names seen.
 */
export function parseRuntimeMetricsDump(bytes: Uint8Array, id: string): { snapshots: RuntimeMetricsSnapshot[]; names: number } {
  const snapshots: RuntimeMetricsSnapshot[] = [];
  const seen = new Set<string>();
  forEachLine(bytes, (raw, lineNo) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `line ${lineNo}`;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (err) {
      // JSON.parse quotes the input around the bad token: its controls are escaped like the line's.
      throw new FormatError(`${where} is not a JSON object (${escapeControls((err as Error).message.slice(0, 120))}): ${quoteInput(line)}`, lineNo);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new FormatError(`${where} is not a JSON object: ${quoteInput(line)}`, lineNo);
    const { time, metrics } = doc as { time?: unknown; metrics?: unknown };
    const atMs = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : NaN;
    if (!Number.isFinite(atMs)) throw new FormatError(`${where}: "time" must be RFC 3339 text or milliseconds since the epoch, not ${quoteInput(JSON.stringify(time ?? null))}`, lineNo);
    if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) throw new FormatError(`${where}: "metrics" must be an object of runtime/metrics names and numbers`, lineNo);
    const values: Record<string, number> = {};
    for (const [name, v] of Object.entries(metrics as Record<string, unknown>)) {
      if (!name.startsWith('/') || !name.includes(':')) throw new FormatError(`${where}: ${quoteInput(name)} is not a runtime/metrics name (/path:unit)`, lineNo);
      seen.add(name);
      if (typeof v === 'number' && Number.isFinite(v)) values[name] = v;
    }
    snapshots.push({ id: `${id}:${lineNo}`, atMs, values });
  });
  if (snapshots.length === 0) throw new FormatError('the runtime/metrics dump holds no snapshot line');
  return { snapshots, names: seen.size };
}
