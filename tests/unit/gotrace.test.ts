// The Go execution trace parser against Go's own tools, on real traces written by each trace
// format version (Go 1.22, 1.23, 1.25 and the local Go): blocking totals equal
// `go tool trace -pprof=CAT` (summed by `go tool pprof -top`), goroutine and GC counts,
// stop-the-world time and goroutine groups equal Go's reader (tests/go/traceref).
import { beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
// @ts-expect-error plain JS helper
import { TRACE_TOOLCHAINS, ensureTrace, goPprofTotals, traceRefFacts } from '../go/trace-gen.mjs';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { summarizeTrace } from '../../src-main/analysis/trace/trace-summary.js';
import { FormatError } from '../../src-main/formats/format-error.js';
import { BLOCKING_KINDS } from '../../src-main/analysis/trace/blocking.js';
import { GoState } from '../../src-main/model/trace.js';
import { traceLanes } from '../../src-main/analysis/trace/lanes.js';
import { cpuMs } from '../helpers/cpu-time';

type Made = { path: string; goVersion: string } | { error: string };
const made = new Map<string, Made>();

beforeAll(async () => {
  for (const { toolchain } of TRACE_TOOLCHAINS) {
    try {
      made.set(toolchain, await ensureTrace({ toolchain }));
    } catch (err) {
      made.set(toolchain, { error: (err as Error).message });
    }
  }
}, 300_000);

const bytesOf = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

function traceOf(toolchain: string): { path: string; goVersion: string } {
  const m = made.get(toolchain)!;
  if ('error' in m) throw new Error(`could not make a trace with ${toolchain}: ${m.error}`);
  return m;
}

const READABLE: { toolchain: string; format: string }[] = TRACE_TOOLCHAINS.filter((t: { format: string }) => t.format !== '1.21');

describe.each(READABLE)('trace written by $toolchain', ({ toolchain, format }) => {
  test('blocking totals equal go tool trace -pprof; goroutines, GCs and STW equal Go reader', async () => {
    const { path } = traceOf(toolchain);
    const trace = parseGoTrace(bytesOf(path));
    if (format !== 'local') expect(trace.version).toBe(format);
    expect(trace.generations).toBeGreaterThan(1); // ordering and state carried across generations
    const summary = summarizeTrace(trace);
    const ref = await traceRefFacts(path);
    expect(summary.goroutines).toBe(ref.goroutines);
    expect(summary.gcCount).toBe(ref.gcCount);
    expect(summary.gcCount).toBeGreaterThan(0);
    expect(summary.stwNs).toBe(ref.stwNs);
    expect(summary.eventCount).toBe(ref.events);
    // CPU samples, user tasks, regions, logs and goroutine labels, as Go's reader sees them.
    expect(trace.cpuSamples.count).toBe(ref.cpuSamples);
    expect(trace.cpuSamples.count).toBeGreaterThan(0);
    expect(trace.tasks.count).toBe(ref.tasks);
    expect(trace.tasks.count).toBeGreaterThan(0);
    expect(trace.regions.count).toBe(ref.regions);
    expect(trace.logs.count).toBe(ref.logs);
    expect(trace.labels.count).toBe(ref.labels);
    const names = new Set(Array.from(trace.regions.name, (i) => trace.strings[i]));
    expect([...names].sort()).toEqual(['decode', 'parse', 'respond']);
    expect(Array.from(trace.logs.key, (i) => trace.strings[i]).every((k) => k === 'id')).toBe(true);
    expect(Object.fromEntries(summary.groups.map((g) => [g.name, g.count]))).toEqual(ref.groups);
    const totals = await Promise.all(BLOCKING_KINDS.map((kind) => goPprofTotals(path, kind)));
    for (const [k, kind] of BLOCKING_KINDS.entries()) {
      const go = totals[k];
      const ours = summary.blocking[kind];
      expect(go.count, `${kind} count`).toBeGreaterThan(0);
      expect(Math.abs(ours.count - go.count) / go.count, `${kind} count ${ours.count} vs ${go.count}`).toBeLessThanOrEqual(0.005);
      expect(Math.abs(ours.delayNs - go.delayNs) / go.delayNs, `${kind} delay ${ours.delayNs} vs ${go.delayNs}`).toBeLessThanOrEqual(0.005);
    }
  }, 120_000);

  test('every goroutine has gapless, exact state intervals', () => {
    const trace = parseGoTrace(bytesOf(traceOf(toolchain).path));
    const { goroutines: iv, procs: p } = traceLanes(trace);
    let blockedWithReason = 0;
    for (let g = 0; g < trace.goId.length; g++) {
      for (let i = iv.start[g]; i < iv.start[g + 1]; i++) {
        expect(iv.end[i]).toBeGreaterThanOrEqual(iv.begin[i]);
        if (i > iv.start[g]) expect(iv.begin[i]).toBe(iv.end[i - 1]);
        if (iv.state[i] === GoState.Running) expect(iv.proc[i]).toBeGreaterThanOrEqual(0);
        if (iv.state[i] === GoState.Waiting && trace.strings[iv.reason[i]] !== '') blockedWithReason++;
      }
    }
    expect(blockedWithReason).toBeGreaterThan(100);
    // Every running interval is on exactly one P lane, and lanes do not overlap.
    for (let q = 0; q + 1 < p.start.length; q++) {
      for (let i = p.start[q] + 1; i < p.start[q + 1]; i++) expect(p.begin[i]).toBeGreaterThanOrEqual(p.end[i - 1]);
    }
  });
});

test('a trace written by Go 1.21 gets a clear message, not a crash', () => {
  const { path } = traceOf('go1.21.13');
  expect(() => parseGoTrace(bytesOf(path))).toThrow(FormatError);
  expect(() => parseGoTrace(bytesOf(path))).toThrow(/old format "go 1\.21 trace", written by Go 1\.21; gpw reads traces written by Go 1\.22 and later/);
});

test('truncated and bit-flipped traces end in a result or a FormatError, quickly', () => {
  const original = bytesOf(traceOf('local').path);
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const outcomes = { ok: 0, warned: 0, errors: 0 };
  // "Quickly" is measured against the intact trace's own parse, in CPU time (this process's user +
  // system): a loaded machine stretches wall time by whatever the other processes take, not the
  // work done. A damaged input may cost a few intact parses, not a hang's hundreds.
  const t = cpuMs();
  summarizeTrace(parseGoTrace(original));
  const intactMs = cpuMs() - t;
  let slowest = 0;
  const inputs: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) inputs.push(original.subarray(0, rand(original.length)));
  for (let i = 0; i < 120; i++) {
    const b = original.slice();
    for (let k = 0; k <= rand(4); k++) b[16 + rand(b.length - 16)] ^= 1 << rand(8);
    inputs.push(b);
  }
  // Where the random cuts and flips land depends on the trace a run wrote (each test run may make
  // a fresh one): all of them can end in a result or a warning. Cuts inside the first generation
  // (its first 200 bytes, see below) leave nothing complete, so some inputs must end in a FormatError.
  for (let i = 0; i < 10; i++) inputs.push(original.subarray(0, 17 + rand(183)));
  for (const input of inputs) {
    const t0 = cpuMs();
    try {
      const trace = parseGoTrace(input);
      summarizeTrace(trace);
      if (trace.warning) outcomes.warned++;
      else outcomes.ok++;
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      expect(err.message.length).toBeGreaterThan(10);
      outcomes.errors++;
    }
    slowest = Math.max(slowest, cpuMs() - t0);
  }
  expect(slowest, `slowest damaged input ${slowest.toFixed(0)} ms CPU, the intact trace ${intactMs.toFixed(0)} ms CPU`).toBeLessThan(2000 + 10 * intactMs);
  expect(outcomes.errors).toBeGreaterThan(0);
});

test.each(['local', 'go1.22.12'])('a trace cut inside a later generation (%s): the complete generations, with a warning', (toolchain) => {
  const original = bytesOf(traceOf(toolchain).path);
  const full = parseGoTrace(original);
  const cut = parseGoTrace(original.subarray(0, Math.floor(original.length * 0.9)));
  expect(cut.warning).toMatch(/byte offset \d+.*read the first \d+ generations?/);
  expect(cut.generations).toBeGreaterThan(0);
  expect(cut.generations).toBeLessThan(full.generations);
  expect(cut.eventCount).toBeLessThan(full.eventCount);
  expect(summarizeTrace(cut).warning).toBe(cut.warning);
});

test('a truncated trace error names the byte offset', () => {
  const original = bytesOf(traceOf('local').path);
  expect(() => parseGoTrace(original.subarray(0, 10))).toThrow(/truncated.*16-byte header/);
  expect(() => parseGoTrace(original.subarray(0, 16))).toThrow(/no events/);
  // Cut inside the first generation: nothing complete to keep.
  expect(() => parseGoTrace(original.subarray(0, 200))).toThrow(/byte offset \d+/);
  // Cut halfway: an error, or the complete generations with a warning; either names the offset.
  let message: string;
  try {
    message = parseGoTrace(original.subarray(0, Math.floor(original.length / 2))).warning ?? '';
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/byte offset \d+/);
});
