// The GC what-if on the small validation corpus the tests keep (tests/go/gcload-corpus.mjs 'test':
// the steady and sawtooth shapes, GOMAXPROCS 2, the machine's Go; GOGC 50 and 200 and a
// hard-binding limit predicted from the untraced GOGC=100 run's gctrace, and from the execution
// trace and the gctrace of its traced twin).
// The targets (10 % count, 10 % peak heap, 3 pp GC CPU) are reported with every miss listed; what
// is asserted is what must hold on any machine: each real outcome of a run that got its CPU lies
// in the expected range shown, the predictions order the settings as the real runs do, and the
// trace-based prediction answers for the same settings. The full corpus is docs/gc-validation.md
// (node scripts/gc-validation.mjs).
import { writeFileSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCorpus } from '../go/gcload-corpus.mjs';
import { evaluateCorpus, farSettingsScan, misses, type PredictionRow } from '../helpers/gc-corpus';
import { repoPath } from '../helpers/paths';

let rows: PredictionRow[] = [];
let corpusDir = '';

beforeAll(async () => {
  // Made by npm test's global setup while the machine is quiet (made here when missing).
  const r = await ensureCorpus('test');
  corpusDir = r.dir;
  rows = evaluateCorpus(r.dir).predictions;
}, 900_000);

test('predictions on the test corpus: misses listed, most real outcomes of quiet runs inside the ranges', () => {
  expect(rows.length).toBe(6);
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
  for (const r of rows) {
    console.log(
      `${r.shape.padEnd(9)} ${r.target.padEnd(10)} count ${r.actual.gcCount} → ${r.predicted.gcCount} (${pct(r.error.gcCount)}) | ` +
        `peak ${pct(r.error.peakHeap)} | GC CPU ${r.error.gcCpuPp.toFixed(1)} pp | CPU got ${(r.cpuUse * 100).toFixed(0)}/${(r.baseCpuUse * 100).toFixed(0)} %` +
        `${r.noisy ? ' (noisy)' : ''} | trace: ${r.fromTrace ? `${pct(r.fromTrace.error.gcCount)}, ${pct(r.fromTrace.error.peakHeap)}` : '–'}` +
        ` | traced run's gctrace: ${r.fromTracedLog ? `${pct(r.fromTracedLog.error.gcCount)}, ${pct(r.fromTracedLog.error.peakHeap)}` : '–'}` +
        `${misses(r).length ? ` | MISSES ${misses(r).join(', ')}` : ''}`,
    );
  }
  writeFileSync(repoPath('tests/.tmp/gc-corpus-test.json'), JSON.stringify(rows, null, 1));
  // The ranges are the corpus's 90th-percentile errors, and a real run differs from the next run
  // of the same program (on this machine, repeated runs of one target differ by up to 40 % in GC
  // count). So what is asserted is coverage: most of the quiet runs' figures lie in their ranges.
  // About one figure in ten lies outside by design, and a run the hard limit pins (a sawtooth whose
  // mark overshoots the limit's room by a MiB or two collects back to back: seen 100 cycles against
  // a range of 26–74, its peak outside too) takes two at once. How many figures are checked depends
  // on how many runs got their CPU, 6 to 18 on a machine others load at times: a fixed 30 % of them
  // allows 1 miss of 6 (fails by chance 1 time in 9 at a miss rate of 10 %) or 2 of 9 (1 in 19). The
  // bound is the binomial tail instead: at most as many misses as a 10 % rate gives with
  // probability ≥ 99.5 % (3 of 6, 4 of 9, 6 of 18); ranges that miss half the time still fail.
  const checked: { what: string; inside: boolean }[] = [];
  for (const r of rows.filter((x) => !x.noisy)) {
    checked.push(
      { what: `${r.shape} ${r.target} GC count ${r.actual.gcCount} in ${r.range.gcCount.map((x) => x.toFixed(1))}`, inside: r.inRange.gcCount },
      { what: `${r.shape} ${r.target} peak heap`, inside: r.inRange.peakHeap },
      { what: `${r.shape} ${r.target} GC CPU`, inside: r.inRange.gcCpu },
    );
  }
  const outside = checked.filter((c) => !c.inside).map((c) => c.what);
  console.log(`in range: ${checked.length - outside.length} of ${checked.length} figures of quiet runs${outside.length ? `; outside: ${outside.join('; ')}` : ''}`);
  if (checked.length >= 6) expect(outside.length, outside.join('; ')).toBeLessThanOrEqual(binomialBound(checked.length, 0.1, 0.005));
  for (const shape of ['steady', 'sawtooth']) {
    const at = (t: string): PredictionRow => rows.find((r) => r.shape === shape && r.target === t)!;
    // Fewer cycles and a larger peak as GOGC grows, in the real runs and in the predictions.
    expect(at('gogc200').actual.gcCount).toBeLessThan(at('gogc50').actual.gcCount);
    expect(at('gogc200').predicted.gcCount).toBeLessThan(at('gogc50').predicted.gcCount);
    expect(at('gogc200').predicted.peakHeapBytes).toBeGreaterThan(at('gogc50').predicted.peakHeapBytes);
    // The trace of the baseline's traced twin answers too (Go 1.22+ traces), and so does the twin's gctrace.
    expect(at('gogc50').fromTrace).not.toBeNull();
    expect(at('gogc50').fromTracedLog).not.toBeNull();
  }
});

test('every recording, replayed far from its own settings, predicts a heap those settings bound', () => {
  // (farSettingsScan in tests/helpers/gc-corpus.ts.) Each way out of it found on the validation corpus was a recorded cycle's
  // departure carried where it does not hold (simulate.ts readsOwn, the cap at the highest trigger) or the limiter's allocation
  // (LIMITER_UTILIZATION): 36 of its 9,048 gctrace replays (node scripts/gc-validation.mjs --eval with GC_EVAL_SCAN=1).
  const { replays, beyond } = farSettingsScan(corpusDir, { traces: true });
  expect(replays).toBeGreaterThan(100);
  expect(beyond, beyond.join('; ')).toEqual([]);
});

/** The fewest misses k such that n checks, each missing with probability p, miss more than k times with probability ≤ tail. */
function binomialBound(n: number, p: number, tail: number): number {
  const pmf = (i: number): number => {
    let c = 1;
    for (let j = 0; j < i; j++) c = (c * (n - j)) / (j + 1);
    return c * p ** i * (1 - p) ** (n - i);
  };
  let above = 1;
  for (let k = 0; k <= n; k++) {
    above -= pmf(k);
    if (above <= tail) return k;
  }
  return n;
}
