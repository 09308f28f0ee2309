// `go tool pprof -traces` parsed: every sample's stack (leaf first) and value in the base unit,
// the reference the flame graph, inverted graph, call tree and sandwich views are checked against.
import type { FlameGraph } from '../../src-main/analysis/flame-graph';
import { run } from './run';

export interface PprofTrace {
  /** Frame names, leaf first, as pprof prints them (without " (inline)"). */
  frames: string[];
  value: number;
}

const BASE_UNIT: Record<string, string> = { nanoseconds: 'ns', bytes: 'B' };

export async function pprofTraces(file: string | string[], sampleIndex: string, unit: string, extra: string[] = []): Promise<PprofTrace[]> {
  const args = ['tool', 'pprof', '-traces', `-sample_index=${sampleIndex}`, ...extra];
  if (BASE_UNIT[unit]) args.push(`-unit=${BASE_UNIT[unit]}`);
  args.push(...(Array.isArray(file) ? file : [file]));
  const r = await run('go', args);
  if (r.code !== 0) throw new Error(`go tool pprof -traces failed: ${r.stderr}`);
  const traces: PprofTrace[] = [];
  for (const block of r.stdout.split(/^-+\+-+$/m).slice(1)) {
    let current: PprofTrace | null = null;
    for (const line of block.split('\n')) {
      if (!line.trim()) continue;
      const head = /^\s*(-?\d+(?:\.\d+)?)(?:ns|B)?\s{3}(.*?)(?: \(inline\))?$/.exec(line);
      if (!current && head) {
        current = { frames: [head[2]], value: Number(head[1]) };
        continue;
      }
      if (!current) continue; // a label line ("worker:  hash") before the value line
      current.frames.push(line.trim().replace(/ \(inline\)$/, ''));
    }
    if (current) traces.push(current);
  }
  return traces;
}

/** Stack key → summed value, of the traces (keys root first, ";"-joined) or inverted (leaf first). */
export function traceStacks(traces: PprofTrace[], leafFirst = false, transform: (frames: string[]) => string[] | null = (f) => f): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of traces) {
    if (t.value === 0) continue;
    const frames = transform(leafFirst ? t.frames : [...t.frames].reverse());
    if (!frames) continue;
    const key = frames.join(';');
    out.set(key, (out.get(key) ?? 0) + Math.abs(t.value));
  }
  return out;
}

/** A graph's paths that end with self value: path (without the root) → self. */
export function graphStacks(g: FlameGraph): Map<string, number> {
  const out = new Map<string, number>();
  const path: string[] = [];
  for (let i = 0; i < g.total.length; i++) {
    path.length = g.depth[i];
    if (i > 0) path[g.depth[i] - 1] = g.names[g.nameIndex[i]];
    if (g.self[i] !== 0) {
      const key = path.join(';');
      out.set(key, (out.get(key) ?? 0) + g.self[i]);
    }
  }
  return out;
}
