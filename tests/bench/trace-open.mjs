// Benchmark: opening a big real execution trace in the app (gpw serve in Debian's Chromium):
// from the click on the library's trace to the timeline's first draw (its element gets
// data-draw-ms), with a fresh server each time, split by the view's performance marks. The
// import keeps the trace's timeline in the library (decode once), so the open parses nothing; the
// first frame is the engine's rasterised first view, and the time until the full timeline (zoom,
// hover) is in is printed too. The traces are trace-bench.mjs's (>= 1.5M events, the
// local Go and Go 1.22). Issue 15's target is <= 1 s. Not a test: times are printed, never asserted.
//
//   npm run build && node tests/bench/trace-open.mjs   (BENCH_RUNS=3, BENCH_TRACE_SCALE=60, BENCH_TRACE_GO=local,go1.22.12)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, openServedPage } from './served-page.mjs';
import { ensureTrace } from '../go/trace-gen.mjs';
import { load, median } from './bench-timing.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SCALE = Number(process.env.BENCH_TRACE_SCALE ?? 60);
const TOOLCHAINS = (process.env.BENCH_TRACE_GO ?? 'local,go1.22.12').split(',');
for (const [path, what] of [[join(ROOT, 'out/main/cli.js'), 'run `npm run build` first'], [CHROMIUM, `${CHROMIUM} is missing`]]) {
  if (!existsSync(path)) {
    console.error(`bench: ${what}`);
    process.exit(1);
  }
}

console.log(`before: ${load()}`);
const dir = mkdtempSync(join(tmpdir(), 'gpw-trace-open-'));
try {
  for (const toolchain of TOOLCHAINS) {
    const big = await ensureTrace({ toolchain, name: `bench-${toolchain}-x${SCALE}`, scale: SCALE, godebug: '' });
    const lib = join(dir, `${toolchain}.sqlite`);
    const imported = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'bin/gpw.js'), 'import', big.path, '--json', '--library', lib], { encoding: 'utf8' }));
    const file = imported.artifacts[0].file;
    const times = [];
    const parts = [];
    for (let i = 0; i < RUNS; i++) {
      const app = await openServedPage(lib);
      try {
        await app.page.goto(app.url);
        const entry = app.page.getByText(file).first();
        await entry.waitFor({ timeout: 60_000 });
        await app.page.evaluate(() => performance.mark('gpw-bench-click'));
        const t0 = Date.now();
        await entry.click();
        await app.page.locator('[data-testid=trace-timeline][data-draw-ms]').waitFor({ timeout: 120_000 });
        times.push(Date.now() - t0);
        // Where the time went, from the view's performance marks (TraceView.svelte, Timeline.svelte).
        // The lanes came as the engine's first view; then the full timeline (zoom, hover) arrives.
        await app.page.locator('[data-testid=trace-timeline][data-detail=full]').waitFor({ timeout: 120_000 });
        const marks = await app.page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
        const asked = marks['gpw-trace-asked'];
        parts.push([asked - marks['gpw-bench-click'], marks['gpw-trace-received'] - asked, marks['gpw-trace-prepared'] - marks['gpw-trace-received'], marks['gpw-trace-drawn'] - marks['gpw-trace-prepared'], marks['gpw-trace-detailed'] - marks['gpw-bench-click']]);
      } finally {
        await app.close();
      }
    }
    console.log(`${big.goVersion}: ${big.path}`);
    console.log(`  click → timeline drawn, fresh server each time: median ${median(times)} ms of ${times.join(', ')} ms (target ≤ 1000 ms)`);
    const part = (k) => Math.round(median(parts.map((p) => p[k])));
    console.log(`  of which (medians): click → timeline asked ${part(0)} ms, → answer received ${part(1)} ms (server: parse, lanes, send; page: receive, decode), → prepared ${part(2)} ms, → first frame drawn ${part(3)} ms; the full timeline in ${part(4)} ms after the click`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`after: ${load()}  (a shared machine: other work runs beside this)`);
