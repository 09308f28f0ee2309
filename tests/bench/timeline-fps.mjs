// Benchmark: frame times of the trace timeline while panning and zooming a big real trace
// (tests/go/tracegen at scale 40: > 1M events), in Debian's Chromium through gpw serve. The
// page records every requestAnimationFrame interval while the script drags the timeline with
// the mouse, holds pan keys, and zooms with the wheel, each for a few seconds, at the whole
// trace and zoomed in. Prints frame-time percentiles, the share of frames over 16.7 ms / 33 ms
// and the timeline's own draw time per frame. Not a test: numbers are printed, never asserted.
//
//   npx electron-vite build && node tests/bench/timeline-fps.mjs   (BENCH_SECONDS=3 per phase)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openServedPage } from './served-page.mjs';
import { recordFrames } from './frame-times.mjs';
import { ensureTrace } from '../go/trace-gen.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(join(ROOT, 'out/main/cli.js'))) {
  console.error('bench: run `npx electron-vite build` first');
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`bench: ${CHROMIUM} is missing`);
  process.exit(1);
}

const big = await ensureTrace({ toolchain: 'local', name: 'bench', scale: 40, godebug: '' });
const dir = mkdtempSync(join(tmpdir(), 'gpw-fps-'));
const lib = join(dir, 'lib.sqlite');
const gpw = join(ROOT, 'bin/gpw.js');
const imported = JSON.parse(execFileSync(process.execPath, [gpw, 'import', big.path, '--json', '--library', lib], { encoding: 'utf8' }));
const file = imported.artifacts[0].file ?? 'bench.trace';

const app = await openServedPage(lib);
try {
  const { page, url } = app;
  await page.goto(url);
  const t0 = Date.now();
  await page.getByText(file).first().click();
  const canvas = page.getByTestId('trace-timeline-canvas');
  await canvas.waitFor({ timeout: 120_000 });
  // The frames measured are the full timeline's (the first frame is the engine's overview).
  await page.locator('[data-testid=trace-timeline][data-detail=full]').waitFor({ timeout: 120_000 });
  const openMs = Date.now() - t0;
  const facts = await page.getByTestId('trace-facts').innerText();
  const box = await canvas.boundingBox();
  const cx = box.x + box.width * 0.6;
  const cy = box.y + 400;

  // The timeline writes how long its last draw took (ms) on its element.
  const frames = (act) => recordFrames(page, '[data-testid=trace-timeline]', act);

  const until = (s) => Date.now() + s * 1000;
  const drag = async () => {
    const end = until(SECONDS);
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let k = 0; Date.now() < end; k++) {
      await page.mouse.move(cx + 300 * Math.sin(k / 12), cy + 40 * Math.sin(k / 20), { steps: 1 });
      await page.waitForTimeout(8);
    }
    await page.mouse.up();
  };
  const keys = async () => {
    await canvas.focus();
    const end = until(SECONDS);
    for (let k = 0; Date.now() < end; k++) {
      await page.keyboard.press(Math.floor(k / 20) % 2 ? 'a' : 'd');
      await page.waitForTimeout(30); // about a keyboard's auto-repeat rate
    }
  };
  const wheel = async () => {
    await page.mouse.move(cx, cy);
    const end = until(SECONDS);
    for (let k = 0; Date.now() < end; k++) {
      await page.mouse.wheel(0, Math.floor(k / 15) % 2 ? 120 : -120);
      await page.waitForTimeout(30);
    }
  };

  const pct = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2) : '–';
  };
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    const over = (ms) => ((100 * s.filter((x) => x > ms).length) / s.length).toFixed(1);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    return `${String(s.length).padStart(4)} frames  mean ${mean.toFixed(1)} ms (${(1000 / mean).toFixed(0)} fps)  p50 ${q(0.5).toFixed(1)}  p95 ${q(0.95).toFixed(1)}  p99 ${q(0.99).toFixed(1)}  max ${s[s.length - 1].toFixed(1)} ms  >16.7ms ${over(17.5)}%  >33ms ${over(34)}%`;
  };

  const idle = (await frames(() => page.waitForTimeout(1000))).frames;
  console.log(`trace: ${facts}`);
  console.log(`opened in Chromium in ${openMs} ms (import excluded); viewport 1600×1000, ${SECONDS} s per phase`);
  console.log(`  idle page (baseline)         ${stats(idle)}`);
  const results = [];
  const draws = [];
  for (const [zoom, label] of [
    [0, 'whole trace'],
    [6, 'zoomed ×8   '],
    [14, 'zoomed ×150 '],
  ]) {
    await page.getByTestId('trace-whole').click();
    await canvas.focus();
    for (let k = 0; k < zoom; k++) await page.keyboard.press('w');
    await page.waitForTimeout(800);
    for (const [name, act] of [
      ['drag', drag],
      ['keys', keys],
      ['wheel', wheel],
    ]) {
      const f = await frames(act);
      results.push(...f.frames);
      draws.push(...f.draws);
      console.log(`  ${label} ${name.padEnd(6)}     ${stats(f.frames)}   draw p50 ${pct(f.draws, 0.5)} p99 ${pct(f.draws, 0.99)} ms`);
    }
  }
  console.log(`  all panning and zooming     ${stats(results)}`);
  console.log(`  timeline draw time per frame: p50 ${pct(draws, 0.5)} ms, p95 ${pct(draws, 0.95)} ms, p99 ${pct(draws, 0.99)} ms, max ${pct(draws, 1)} ms (${draws.length} draws)`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
