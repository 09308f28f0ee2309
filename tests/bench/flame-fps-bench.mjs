// Benchmark: frame times of the flame graph while the user moves over it, zooms and scrolls, in
// Debian's Chromium through gpw serve, as tests/bench/timeline-fps.mjs does for the trace
// timeline. The profile (BENCH_PROFILE):
//   wide (default): a tall, wide flame graph from tests/go/bigprofile (make-big-profile.mjs's
//     makeWideFlameProfile): 1,000 stacks of about equal weight, 110-odd frames deep, over
//     100,000 frames, each at least a pixel wide in the 1,230 px graph of the default 1600 px viewport;
//   big: the big allocs profile (BENCH_SAMPLES distinct sample records, 1M by default), whose
//     frames are mostly far narrower than a pixel, so a few thousand are drawn.
// The page records every requestAnimationFrame interval while the script sweeps the mouse over
// the graph (every move changes the hovered frame), zooms in and out with Ctrl + wheel (a
// trackpad pinch), and scrolls the page with the wheel, each for BENCH_SECONDS. Prints the
// number of frames the graph draws (issue 15 asks for >= 100k): on the whole canvas, which is
// as tall as the graph (the pane scrolls), and within the viewport at the top of the page, and
// how many a draw paints (the rows on screen and a quarter of a screen either side; a scroll paints
// the rows it brings in);
// median and 95th-percentile frame time, fps, and the flame graph's own draw time per draw.
// Not a test: numbers are printed, never asserted; `uptime` is printed too (the machine may be
// shared). Chromium runs with --disable-gpu: it rasterises in software.
//
//   npm run build && node tests/bench/flame-fps-bench.mjs
//   (BENCH_SECONDS=3, BENCH_WIDTH=1600, BENCH_HEIGHT=1000, BENCH_DPR=1, BENCH_PROFILE=wide|big,
//    BENCH_PANE_PX: the flame graph pane's height, as if its bottom edge was dragged; e.g.
//    BENCH_HEIGHT=2200 BENCH_PANE_PX=2000 shows about 100,000 frames at once)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, openServedPage } from './served-page.mjs';
import { makeBigProfile, makeWideFlameProfile } from './make-big-profile.mjs';
import { load } from './bench-timing.mjs';
import { quantile, recordFrames } from './frame-times.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1_000_000);
const PROFILE = process.env.BENCH_PROFILE ?? 'wide';
const PANE_PX = Number(process.env.BENCH_PANE_PX ?? 0);
const VIEW = { width: Number(process.env.BENCH_WIDTH ?? 1600), height: Number(process.env.BENCH_HEIGHT ?? 1000), deviceScaleFactor: Number(process.env.BENCH_DPR ?? 1) };
const MIN_DRAWN = 100_000;
if (!existsSync(join(ROOT, 'out/renderer/index.html')) || !existsSync(join(ROOT, 'out/main/cli.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`bench: ${CHROMIUM} is missing`);
  process.exit(1);
}

const log = (m) => console.log(`bench: ${m}`);
const file = PROFILE === 'big' ? await makeBigProfile(SAMPLES, { log }) : await makeWideFlameProfile({ log });
const dir = mkdtempSync(join(tmpdir(), 'gpw-flame-fps-'));
const lib = join(dir, 'lib.sqlite');
const gpw = join(ROOT, 'bin/gpw.js');
execFileSync(process.execPath, [gpw, 'import', file, '--json', '--library', lib], { encoding: 'utf8' });

console.log(`before: ${load()}`);
const app = await openServedPage(lib, VIEW);
try {
  const { page, url } = app;
  await page.goto(url);
  const t0 = Date.now();
  await page.getByTestId('artifact').first().click();
  const canvas = page.getByTestId('flame-canvas');
  await canvas.waitFor({ timeout: 120_000 });
  // The graph of the profile, not of an empty first answer: wait for a draw with frames in it.
  const wrap = page.locator('[data-testid=flame-canvas]').locator('..');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=flame-canvas]')?.parentElement?.dataset.drawn ?? 0) > 1, null, { timeout: 120_000 });
  const openMs = Date.now() - t0;
  // Frames of the whole graph at this zoom (the component's per-row counts), and those the first
  // draw painted: the rows on screen and a quarter of a screen either side.
  const drawnWhole = ((await wrap.getAttribute('data-drawn-rows')) ?? '').split(',').map(Number).reduce((a, b) => a + b, 0);
  const paintedFirst = `${await wrap.getAttribute('data-drawn')} frames in rows ${await wrap.getAttribute('data-painted-rows')}`;
  const nodes = Number(await wrap.getAttribute('data-nodes'));
  if (PANE_PX) {
    // As if the user dragged the flame graph pane's bottom edge down (it scrolls within itself).
    await page.getByTestId('flame-pane').evaluate((el, px) => (el.style.height = `${px}px`), PANE_PX);
    await page.waitForTimeout(300);
  }
  const box = await canvas.boundingBox();
  // The part of the canvas on screen: inside the window and every scrolling box around it.
  const shown = await canvas.evaluate((c) => {
    const r = c.getBoundingClientRect();
    let top = 0;
    let bottom = window.innerHeight;
    for (let e = c.parentElement; e; e = e.parentElement) {
      if (!/auto|scroll|hidden/.test(getComputedStyle(e).overflowY)) continue;
      const b = e.getBoundingClientRect();
      top = Math.max(top, b.top);
      bottom = Math.min(bottom, b.bottom);
    }
    return { top: Math.max(top, r.top), bottom: Math.min(bottom, r.bottom), from: Math.max(0, top - r.top), to: Math.max(0, Math.min(r.height, bottom - r.top)) };
  });
  const y0 = shown.top + 30;
  // Frames drawn in the rows on screen (the component writes its per-row counts).
  const rowsShown = Math.max(0, Math.floor(shown.to / 18) - Math.floor(shown.from / 18));
  const perRow = (await wrap.getAttribute('data-drawn-rows'))?.split(',').map(Number) ?? null;
  const drawnInView = perRow ? perRow.slice(Math.floor(shown.from / 18), Math.floor(shown.to / 18)).reduce((a, b) => a + b, 0) : NaN;
  const narrowest = await wrap.getAttribute('data-narrowest');

  // The flame graph writes its draw time and drawn frames on the canvas's wrapper.
  const frames = (act) => recordFrames(page, '.canvas-wrap:has(> [data-testid=flame-canvas])', act);

  const until = (s) => Date.now() + s * 1000;
  // Across the graph's rows in the viewport: each move changes the hovered frame.
  const yEnd = shown.bottom - 10;
  const hover = async () => {
    const end = until(SECONDS);
    for (let k = 0; Date.now() < end; k++) {
      await page.mouse.move(box.x + box.width * (0.5 + 0.45 * Math.sin(k / 25)), y0 + ((k * 37) % Math.max(1, yEnd - y0)), { steps: 1 });
      await page.waitForTimeout(8);
    }
  };
  const zoom = async () => {
    await page.mouse.move(box.x + box.width / 2, y0 + 40);
    await page.keyboard.down('Control');
    const end = until(SECONDS);
    for (let k = 0; Date.now() < end; k++) {
      // Three levels in, three out, over the widest part of the graph.
      await page.mouse.wheel(0, Math.floor(k / 3) % 2 ? 120 : -120);
      await page.waitForTimeout(30);
    }
    await page.keyboard.up('Control');
    await page.keyboard.press('Escape');
  };
  const scroll = async () => {
    await page.mouse.move(box.x + box.width / 2, y0 + 40);
    const end = until(SECONDS);
    for (let k = 0; Date.now() < end; k++) {
      await page.mouse.wheel(0, Math.floor(k / 10) % 2 ? -100 : 100);
      await page.waitForTimeout(16);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
  };

  const q = quantile;
  const stats = (xs) => {
    const p50 = q(xs, 0.5);
    const p95 = q(xs, 0.95);
    const over = ((100 * xs.filter((x) => x > 17.5).length) / Math.max(1, xs.length)).toFixed(1);
    return `${String(xs.length).padStart(4)} frames  median ${p50.toFixed(1)} ms (${(1000 / p50).toFixed(0)} fps)  p95 ${p95.toFixed(1)} ms (${(1000 / p95).toFixed(0)} fps)  >16.7ms ${over}%`;
  };

  const firstDraw = `${await wrap.getAttribute('data-draw-ms')} ms (${await wrap.getAttribute('data-draw-parts')})`;
  const idle = (await frames(() => page.waitForTimeout(1000))).frames;
  console.log(`profile: ${file} (${PROFILE === 'big' ? `${SAMPLES} sample records` : 'wide flame shape'}); opened in Chromium in ${openMs} ms (import excluded); viewport ${VIEW.width}×${VIEW.height} at devicePixelRatio ${VIEW.deviceScaleFactor}, canvas ${box.width.toFixed(0)}×${box.height.toFixed(0)} px; Chromium rasterises in software (--disable-gpu)`);
  console.log(`flame graph: ${nodes} frames (nodes) sent to the page; drawn at the whole profile: ${drawnWhole} on the whole canvas${drawnWhole < MIN_DRAWN ? ` (fewer than the ${MIN_DRAWN} issue 15 asks for: the graph draws no frame narrower than 0.33 px)` : ''}, ${Number.isNaN(drawnInView) ? 'n/a' : drawnInView} in the ${rowsShown} rows on screen; painted by the first draw (the rows on screen and a quarter of a screen either side; the rest as they scroll into view): ${paintedFirst}; narrowest drawn frame ${narrowest ?? 'n/a'} px`);
  console.log(`first draw (colours worked out): ${firstDraw}`);
  console.log(`  idle page (baseline)   ${stats(idle)}`);
  const all = [];
  const draws = [];
  for (const [name, act] of [
    ['hover sweep', hover],
    ['ctrl+wheel zoom', zoom],
    ['wheel scroll', scroll],
  ]) {
    const f = await frames(act);
    all.push(...f.frames);
    draws.push(...f.draws);
    const drew = f.draws.length ? `draw median ${q(f.draws, 0.5).toFixed(1)} p95 ${q(f.draws, 0.95).toFixed(1)} ms (${f.draws.length} draws painting up to ${Math.max(0, ...f.drawn)} frames)` : 'no redraw of the canvas';
    console.log(`  ${name.padEnd(16)}       ${stats(f.frames)}   ${drew}`);
    const parts = await wrap.getAttribute('data-draw-parts');
    if (parts && f.draws.length) console.log(`${' '.repeat(25)}last draw: ${parts}`);
  }
  console.log(`  all of it              ${stats(all)}`);
  console.log(`  flame graph draw time per draw: median ${q(draws, 0.5).toFixed(1)} ms, p95 ${q(draws, 0.95).toFixed(1)} ms, max ${q(draws, 1).toFixed(1)} ms (${draws.length} draws)`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`after: ${load()}  (a shared machine: other work runs beside this)`);
