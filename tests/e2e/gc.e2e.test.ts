// The GC view end to end: `gpw serve`, Debian's Chromium through playwright-core, a real gctrace
// log of tests/go/gcload imported through the file picker. The numbers the page shows are
// checked against the gctrace lines themselves and against `gpw gc --json` on the same file;
// moving the GOGC slider must redraw the predicted heap curve and change the predicted figures.
// Screenshots land in tests/.tmp/screenshots/gc-*.png.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
// @ts-expect-error: a plain .mjs helper without types
import { ensureGcLogs, gcLinesOf, VALIDATION_ARGS } from '../go/gcload-gen.mjs';
import { formatByteSize } from '../../src-main/analysis/gc/byte-size';
import { repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';
import { HAVE_CHROMIUM, launchChromium, openServedPage } from '../helpers/chromium';

const SHOTS = repoPath('tests/.tmp/screenshots');
const STEP_MS = 15_000;

let server: ServeProcess | undefined;
let context: BrowserContext | undefined;
const cleanups: (() => void)[] = [];

/** Pixels of a chart's canvas: painted ones, and the orange of the predicted curve. */
function chartPixels(page: Page, testId: string): Promise<{ painted: number; orange: number; blue: number; hash: number }> {
  return page.locator(`[data-testid=${testId}] canvas`).first().evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    let orange = 0;
    let blue = 0;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 200) continue;
      painted++;
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (r > 190 && g > 50 && g < 120 && b < 60) orange++;
      if (r < 80 && g > 60 && g < 120 && b > 170) blue++;
      hash = (hash * 31 + r * 7 + g * 3 + b + i) | 0;
    }
    return { painted, orange, blue, hash };
  });
}

const text = (page: Page, testId: string): Promise<string> => page.getByTestId(testId).innerText();
const predicted = async (page: Page, row: string): Promise<string> => (await page.locator(`[data-testid=${row}] td.pred`).innerText()).trim();

describe.skipIf(!HAVE_CHROMIUM)('the GC view in Chromium via gpw serve', () => {
  let page: Page;
  let logFile: string;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { dir } = await ensureGcLogs({ set: 'e2e', configs: [{ name: 'gogc100', env: { GOGC: '100' } }], args: VALIDATION_ARGS, godebug: 'gctrace=1' });
    logFile = join(dir, 'gogc100.log');
    const lib = tempDir('gpw-gc-e2e-');
    cleanups.push(lib.cleanup);
    const profile = tempDir('gpw-gc-e2e-chromium-');
    cleanups.push(profile.cleanup);
    server = await startServe(join(lib.dir, 'lib.sqlite'));
    context = await launchChromium(profile.dir, { viewport: { width: 1440, height: 1000 } });
    // Besides errors, any console word of the Content Security Policy counts (echarts under the CSP).
    page = await openServedPage(context, server.url, errors, STEP_MS, { alsoRecord: /Content.Security.Policy/i });
  }, 300_000);

  afterAll(async () => {
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await server?.stop(3_000);
    for (const c of cleanups) c();
  });

  it('opens a gctrace log: summary from its lines, the heap chart drawn', async () => {
    await page.getByTestId('file-input').setInputFiles(logFile);
    await page.getByTestId('gc-view').waitFor();
    const lines: string[] = gcLinesOf(readFileSync(logFile, 'utf8'));
    const last = lines.at(-1)!;
    // The count, and the forced cycles when there are any (with none the page says nothing about
    // them): the program repeats a runtime.GC() call that a cycle the heap started the moment
    // before absorbed, but the count is read from the lines, whatever they say.
    const forced = lines.filter((l) => l.endsWith('(forced)')).length;
    await expect.poll(async () => (await text(page, 'sum-cycles')).trim(), { timeout: STEP_MS }).toBe(forced ? `${lines.length} (${forced} forced)` : `${lines.length}`);
    expect(await text(page, 'sum-cpu')).toBe(`${/ (\d+)%:/.exec(last)![1]} %`);
    const peakMiB = Math.max(...lines.map((l) => Number(/->(\d+)->\d+ MB/.exec(l)![1])));
    // gctrace's MB are MiB; the page prints them in the unit the size needs (KiB to TiB).
    expect(await text(page, 'sum-peak')).toBe(formatByteSize(peakMiB * 2 ** 20));
    // The first what-if replays the recorded setting, and that replay is the recording: its orange
    // curve lies on the recorded blue one, so the two colours together make the recorded curve.
    await expect.poll(async () => ((p) => p.blue + p.orange)(await chartPixels(page, 'gc-heap-chart')), { timeout: STEP_MS }).toBeGreaterThan(500);
    await page.getByTestId('gc-figures').waitFor();
    // The what-if's recorded GC CPU counts each cycle's printed CPU; the header's is the runtime's own N %, which
    // newer Go releases take with a pause's stopping phase counted by the CPU it used. Where the two differ by a point or
    // more the header shows the what-if's figure too, the same as the table's.
    const counted = (await page.locator('[data-testid=fig-cpu] td').nth(1).innerText()).trim();
    const shown = page.getByTestId('sum-cpu-cycles');
    if (await shown.count()) expect(await shown.innerText()).toBe(`(${counted} as the what-if counts it)`);
    else expect(Math.abs(parseFloat(counted) - Number(/ (\d+)%:/.exec(last)![1]))).toBeLessThan(1.5);
    await page.screenshot({ path: join(SHOTS, 'gc-1-run.png'), fullPage: true });
  });

  it('moves the GOGC slider: the predicted curve and figures change, and match gpw gc --what-if', async () => {
    // The first what-if replays the recorded setting (GOGC ≈ 100).
    await expect.poll(async () => (await chartPixels(page, 'gc-heap-chart')).orange, { timeout: STEP_MS }).toBeGreaterThan(300);
    const before = { count: await predicted(page, 'fig-count'), chart: await chartPixels(page, 'gc-heap-chart') };
    // At the recorded setting the replay is the recording: the same number of cycles.
    expect(Number(before.count)).toBe(Number((await page.locator('[data-testid=fig-count] td').nth(1).innerText()).trim()));
    const cli100 = await gpwJson<{ predicted: { gcCount: number } }>(':memory:', 'gc', logFile, '--what-if', '--gogc', (await text(page, 'gogc-value')).trim());
    expect(Number(before.count)).toBe(cli100.predicted.gcCount);

    // Slider to its top end: GOGC 1000.
    const t0 = Date.now();
    await page.getByTestId('gogc-slider').fill('200');
    await expect.poll(() => text(page, 'gogc-value'), { timeout: STEP_MS }).toBe('1000');
    await expect.poll(() => predicted(page, 'fig-count'), { timeout: STEP_MS }).not.toBe(before.count);
    const tookMs = Date.now() - t0;
    const cli1000 = await gpwJson<{ predicted: { gcCount: number; peakHeapBytes: number; gcCpuFraction: number } }>(':memory:', 'gc', logFile, '--what-if', '--gogc', '1000');
    expect(Number(await predicted(page, 'fig-count'))).toBe(cli1000.predicted.gcCount);
    // The view prints one decimal of the percentage, the CLI's JSON four decimals of the fraction
    // (0.0195 of 0.019523 shown as "2.0 %"): equal within those two roundings.
    const cpuShown = Number((await predicted(page, 'fig-cpu')).replace(/ %$/, ''));
    expect(Math.abs(cpuShown - cli1000.predicted.gcCpuFraction * 100)).toBeLessThanOrEqual(0.05 + 0.005 + 1e-9);
    expect(cli1000.predicted.gcCount).toBeLessThan(Number(before.count));
    await expect.poll(async () => (await chartPixels(page, 'gc-heap-chart')).hash, { timeout: STEP_MS }).not.toBe(before.chart.hash);
    console.log(`[gc e2e] slider → new figures in ${tookMs} ms (server says ${await text(page, 'gc-latency')})`);
    await page.screenshot({ path: join(SHOTS, 'gc-2-gogc1000.png'), fullPage: true });

    // Down to GOGC 25 (slider position 40): more cycles than recorded.
    await page.getByTestId('gogc-slider').fill('40');
    await expect.poll(() => text(page, 'gogc-value'), { timeout: STEP_MS }).toBe('25');
    const cli25 = await gpwJson<{ predicted: { gcCount: number } }>(':memory:', 'gc', logFile, '--what-if', '--gogc', '25');
    await expect.poll(async () => Number(await predicted(page, 'fig-count')), { timeout: STEP_MS }).toBe(cli25.predicted.gcCount);
    await page.screenshot({ path: join(SHOTS, 'gc-3-gogc25.png'), fullPage: true });

    // Typed: GOGC 150 (not a slider stop); the slider follows, the figures match the CLI's.
    await page.getByTestId('gogc-input').fill('150');
    await expect.poll(() => text(page, 'gogc-value'), { timeout: STEP_MS }).toBe('150');
    const cli150 = await gpwJson<{ predicted: { gcCount: number }; basis: { input: string } }>(':memory:', 'gc', logFile, '--what-if', '--gogc', '150');
    await expect.poll(async () => Number(await predicted(page, 'fig-count')), { timeout: STEP_MS }).toBe(cli150.predicted.gcCount);
    expect(Number(await page.getByTestId('gogc-slider').inputValue())).toBe(Math.round((200 * Math.log(15)) / Math.log(100)));
    // The page says what the prediction rests on.
    expect(cli150.basis.input).toBe('gctrace');
    expect(await text(page, 'gc-basis')).toMatch(/rests on: gctrace .*recorded at GOGC=100/);
    expect(await text(page, 'gc-range-basis')).toMatch(/distance from the recorded setting \(GOGC ×1\.50\)/);
    await page.screenshot({ path: join(SHOTS, 'gc-3b-gogc150-typed.png'), fullPage: true });
    // A typo is named, not sent.
    await page.getByTestId('gogc-input').fill('15x');
    await expect.poll(() => page.getByRole('alert').first().innerText(), { timeout: STEP_MS }).toMatch(/GOGC must be a whole number/);
    await page.getByTestId('gogc-input').fill('150');
  });

  it('GOGC off with a tight memory limit warns of continuous GC; the trade-off picks a setting for a budget', async () => {
    await page.getByTestId('gogc-off').check();
    // Without a limit: only the forced cycles, and the heap holds what the run allocates between them (a log without forced
    // cycles read 0 B here: tests/unit/gc-out-of-reach.test.ts).
    const off = await gpwJson<{ predicted: { peakHeapBytes: number } }>(':memory:', 'gc', logFile, '--what-if', '--gogc', 'off');
    expect(off.predicted.peakHeapBytes).toBeGreaterThan(100 * 2 ** 20);
    await expect.poll(async () => predicted(page, 'fig-peak'), { timeout: STEP_MS }).toBe(formatByteSize(off.predicted.peakHeapBytes));
    await expect.poll(async () => (await page.getByTestId('gc-whatif-warning').allInnerTexts()).join('\n'), { timeout: STEP_MS }).toMatch(/only forced collections run/);
    await page.screenshot({ path: join(SHOTS, 'gc-3c-gogc-off.png') });
    await page.getByTestId('memlimit-on').check();
    // A limit well below the run's peak live heap (60 % of it) leaves no room for long stretches.
    const summary = await gpwJson<{ recorded: { peakLiveBytes: number } }>(':memory:', 'gc', logFile, '--summary');
    const limit = `${Math.round((summary.recorded.peakLiveBytes / 2 ** 20) * 0.6)}MiB`;
    await page.getByTestId('memlimit-input').fill(limit);
    await expect.poll(async () => (await page.getByTestId('gc-whatif-warning').allInnerTexts()).join('\n'), { timeout: STEP_MS }).toMatch(/death spiral/);
    const cli = await gpwJson<{ predicted: { gcCount: number } }>(':memory:', 'gc', logFile, '--what-if', '--gogc', 'off', '--memlimit', limit);
    await expect.poll(async () => Number(await predicted(page, 'fig-count')), { timeout: STEP_MS }).toBe(cli.predicted.gcCount);

    await page.getByTestId('trade-budget').fill('200MiB');
    await expect.poll(() => page.getByTestId('trade-best').isVisible().catch(() => false), { timeout: STEP_MS }).toBe(true);
    const best = await text(page, 'trade-best');
    const cliTrade = await gpwJson<{ budget: { reason: string } }>(':memory:', 'gc', logFile, '--tradeoff', '--budget', '200MiB');
    expect(best).toBe(cliTrade.budget.reason);
    await expect.poll(async () => (await chartPixels(page, 'gc-tradeoff-chart')).blue, { timeout: STEP_MS }).toBeGreaterThan(100);
    await page.getByTestId('gc-tradeoff-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'gc-4-tradeoff.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
