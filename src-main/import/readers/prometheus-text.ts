// Prometheus text exposition (a /metrics scrape, 0.0.4 or OpenMetrics): every line checked,
// summarised as series and families with the go_* / process_* highlights. Kind 'metrics'.

import { FormatError } from '../../formats/format-error.js';
import { QUOTE_MAX_CHARS, quoteInput } from '../../formats/quote-input.js';
import { forEachLine } from '../../formats/text-lines.js';
import type { OtherSummary } from '../../api/types.js';
import type { ArtifactReader } from '../reader-types.js';

const NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|inf)|NaN|nan)$/;

/** Series worth showing in a list, by name (the first sample of each). */
const HIGHLIGHTS = [
  'go_goroutines',
  'go_threads',
  'go_memstats_heap_alloc_bytes',
  'go_memstats_heap_inuse_bytes',
  'go_memstats_sys_bytes',
  'go_gc_duration_seconds_count',
  'go_memstats_next_gc_bytes',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'process_open_fds',
];

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric name (letters, digits, _ and : only) as it is, or quoted and cut when very long. */
const shownName = (name: string): string => (name.length > QUOTE_MAX_CHARS ? quoteInput(name) : name);

/** One sample line: name{label="value",…} value [timestamp]. Throws a message (no line number) when malformed. */
export function parsePromSample(line: string): PromSample {
  let i = 0;
  while (i < line.length && /[A-Za-z0-9_:]/.test(line[i])) i++;
  const name = line.slice(0, i);
  if (!NAME.test(name)) throw new Error(`${quoteInput(line)} does not start with a metric name`);
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ') i++;
      if (line[i] === '}') { i++; break; }
      const start = i;
      while (i < line.length && /[A-Za-z0-9_]/.test(line[i])) i++;
      const key = line.slice(start, i);
      if (!key || line[i] !== '=' || line[i + 1] !== '"') throw new Error(`bad label in ${shownName(name)}{…} at column ${i + 1}`);
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i++];
        if (c === undefined) throw new Error(`unterminated label value in ${shownName(name)}{…}`);
        if (c === '"') break;
        if (c === '\\') {
          const e = line[i++];
          value += e === 'n' ? '\n' : e === undefined ? '' : e;
        } else value += c;
      }
      labels[key] = value;
      while (line[i] === ' ') i++;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } in ${shownName(name)}{…} at column ${i + 1}`);
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || !VALUE.test(rest[0])) throw new Error(`${shownName(name)} has no valid value (${quoteInput(line.slice(i).trim(), 40)})`);
  if (rest[1] !== undefined && !/^-?\d+(\.\d+)?$/.test(rest[1])) throw new Error(`${shownName(name)} has a bad timestamp ${quoteInput(rest[1], 40)}`);
  const v = rest[0].replace(/^([+-]?)inf$/i, '$1Infinity').replace(/^nan$/i, 'NaN');
  return { name, labels, value: Number(v) };
}

export interface PromSummary extends OtherSummary {
  series: number;
  families: number;
  goSeries: number;
  processSeries: number;
  highlights: Record<string, number>;
  goVersion: string | null;
}

export function summarizePrometheusText(bytes: Uint8Array): PromSummary {
  let series = 0;
  let goSeries = 0;
  let processSeries = 0;
  let goVersion: string | null = null;
  const families = new Set<string>();
  const highlights: Record<string, number> = {};
  forEachLine(bytes, (raw, lineNo) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)/.exec(line);
      if (m) {
        if (!NAME.test(m[2])) throw new FormatError(`line ${lineNo}: ${quoteInput(m[2])} is not a metric name`, lineNo);
        families.add(m[2]);
      }
      return;
    }
    let s: PromSample;
    try {
      s = parsePromSample(line);
    } catch (err) {
      throw new FormatError(`line ${lineNo}: ${(err as Error).message}`, lineNo);
    }
    series++;
    if (s.name.startsWith('go_')) goSeries++;
    if (s.name.startsWith('process_')) processSeries++;
    if (s.name === 'go_info' && s.labels.version) goVersion = s.labels.version;
    if (HIGHLIGHTS.includes(s.name) && !(s.name in highlights)) highlights[s.name] = s.value;
  });
  if (series === 0) throw new FormatError('no samples: this Prometheus text has only comments');
  const parts = [`${series} series in ${families.size} families`];
  if (highlights.go_goroutines !== undefined) parts.push(`${highlights.go_goroutines} goroutines`);
  if (highlights.go_memstats_heap_alloc_bytes !== undefined) parts.push(`heap ${(highlights.go_memstats_heap_alloc_bytes / 2 ** 20).toFixed(1)} MiB`);
  return { headline: `Prometheus: ${parts.join(', ')}`, series, families: families.size, goSeries, processSeries, highlights, goVersion };
}

export const prometheusTextReader: ArtifactReader = {
  kind: 'metrics',
  async read(input) {
    const summary = summarizePrometheusText(input.bytes);
    return { subtype: 'prometheus', capturedAt: null, durationNs: null, goVersion: summary.goVersion, summary };
  },
};
