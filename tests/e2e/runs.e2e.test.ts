// End to end, runs and history as a user drives them: `gpw serve` on a library of runs of two
// versions of tests/go/runpair (version 2's main.parse does three times the work), Debian's
// Chromium through playwright-core. Runs list → tick two → compare → the significant row
// (main.parse) → its trend across runs with the change point at the first version-2 run →
// the comparison of the runs either side; the differential flame graph of the merged runs.
// Screenshots land in tests/.tmp/screenshots/runs-*.png.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
// @ts-expect-error plain JS helper
import { ensureRunpair } from '../go/runpair-gen.mjs';
// @ts-expect-error plain JS helper
import { benchpairRoot, ensureBenchPairs } from '../go/benchpair-gen.mjs';
import { HAVE_CHROMIUM, launchChromium, openServedPage, tableCells } from '../helpers/chromium';
import { repoPath, tempDir } from '../helpers/paths';
import { gpw } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';

const SHOTS = repoPath('tests/.tmp/screenshots');
const STEP_MS = 15_000;

let context: BrowserContext | undefined;
let server: ServeProcess | undefined;
const cleanups: (() => void)[] = [];

describe.skipIf(!HAVE_CHROMIUM)(`runs, comparison and trends in Chromium via gpw serve${HAVE_CHROMIUM ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = tempDir('gpw-e2e-runs-');
    cleanups.push(dir.cleanup);
    const lib = join(dir.dir, 'lib.sqlite');
    const data = (await ensureRunpair()) as { v1: { cpu: string; gclog: string }[]; v2: { cpu: string; gclog: string }[] };
    const files = (xs: { cpu: string; gclog: string }[]) => xs.flatMap((x) => [x.cpu, x.gclog]);
    // In time order: v1 (6 executions), h1–h5 (one v1 execution each), v2 (6), h6–h9 (one v2 each).
    const imports: [string, string[]][] = [
      ['v1', files(data.v1.slice(0, 6))],
      ...data.v1.slice(6, 11).map((x, i): [string, string[]] => [`h${i + 1}`, files([x])]),
      ['v2', files(data.v2.slice(0, 6))],
      ...data.v2.slice(6, 10).map((x, i): [string, string[]] => [`h${i + 6}`, files([x])]),
    ];
    await ensureBenchPairs();
    imports.push(['bench-a', [join(benchpairRoot, 'count10', 'base.txt')]], ['bench-b', [join(benchpairRoot, 'count10', 'new.txt')]]);
    for (const [run, fs] of imports) {
      const r = await gpw(lib, 'import', ...fs, '--run', run, '--label', 'svc=runpair');
      expect(r.code, r.stderr).toBe(0);
    }
    const profileDir = tempDir('gpw-e2e-runs-chromium-');
    cleanups.push(profileDir.cleanup);
    const [s, ctx] = await Promise.allSettled([startServe(lib).then((srv) => (server = srv)), launchChromium(profileDir.dir).then((c) => (context = c))]);
    if (s.status === 'rejected') throw s.reason;
    if (ctx.status === 'rejected') throw ctx.reason;
    page = await openServedPage(context!, server!.url, errors, STEP_MS);
  }, 600_000);

  afterAll(async () => {
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await server?.stop(3_000);
    for (const c of cleanups) c();
  });

  it('runs list → compare two runs → the significant row → its trend → the runs either side of the change', async () => {
    await page.getByTestId('runs-button').click();
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: STEP_MS }).toBe(13);
    // Newest first (the bench runs carry no capture time: their import time counts).
    expect(await page.getByTestId('run-row').nth(2).getAttribute('data-run')).toBe('h9');
    await page.locator('[data-testid=run-row][data-run=v1] [data-testid=run-pick]').check();
    await page.locator('[data-testid=run-row][data-run=v2] [data-testid=run-pick]').check();
    await page.getByTestId('compare-runs').click();
    await page.getByTestId('run-compare').waitFor();
    expect(await page.locator('.compare-page h2').textContent()).toMatch(/v1\s*→\s*v2/);
    await page.screenshot({ path: join(SHOTS, 'runs-compare.png') });

    // The CPU table (nanoseconds) has main.parse marked significant, among the first rows.
    const table = page.locator('[data-testid=compare-table]').filter({ has: page.locator('tr[data-fn="main.parse"]') }).nth(1);
    const rows = (await tableCells(page, 'compare-table')).filter((r) => r[0] === 'main.parse');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.join(' ').includes('★'))).toBe(true);
    await table.locator('tr[data-fn="main.parse"]').click();
    await page.getByTestId('trend-chart').waitFor();
    await expect.poll(() => page.getByTestId('change-points').locator('li').count(), { timeout: STEP_MS }).toBe(1);
    expect(await page.getByTestId('change-points').textContent()).toMatch(/at v2 \(after h5\)/);
    // The chart drew something (echarts paints a canvas).
    const painted = await page.getByTestId('trend-chart').locator('canvas').first().evaluate((c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let blue = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 150 && d[i] < 100) blue++;
      return blue;
    });
    expect(painted).toBeGreaterThan(50);
    await page.getByTestId('trend-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'runs-trend.png') });

    await page.getByTestId('compare-change').click();
    await expect.poll(async () => page.locator('.compare-page h2').textContent(), { timeout: STEP_MS }).toMatch(/h5\s*→\s*v2/);
    // One artifact against six: no p-values, and the page says why.
    expect(await page.getByTestId('compare-note').first().textContent()).toMatch(/at least 4 artifacts/);
    expect(errors).toEqual([]);
  });

  it('a run: label, note, compare with previous; the differential flame graph of two merged runs', async () => {
    if ((await page.getByTestId('run-list').count()) === 0) await page.getByTestId('runs-button').click();
    await page.locator('[data-testid=run-row][data-run=v2] button.open').click();
    await page.getByTestId('run-detail').waitFor();
    await page.getByTestId('run-labels').fill('version=2');
    await page.getByTestId('run-labels').press('Enter');
    await expect.poll(() => page.locator('[data-testid=run-row][data-run=v2]').textContent(), { timeout: STEP_MS }).toContain('version=2');
    await page.getByTestId('run-note').fill('parser rewrite');
    await page.getByRole('button', { name: 'Save note' }).click();
    await expect.poll(() => page.locator('[data-testid=run-row][data-run=v2]').textContent(), { timeout: STEP_MS }).toContain('parser rewrite');
    await page.screenshot({ path: join(SHOTS, 'runs-detail.png') });
    await page.getByTestId('compare-previous').click();
    await expect.poll(async () => page.locator('.compare-page h2').textContent(), { timeout: STEP_MS }).toMatch(/h5\s*→\s*v2/);

    // v1 against v2 again, then the differential flame graph of the merged runs.
    await page.locator('[data-testid=run-row][data-run=h5] [data-testid=run-pick]').uncheck().catch(() => {});
    for (const r of ['v1', 'v2']) {
      const box = page.locator(`[data-testid=run-row][data-run=${r}] [data-testid=run-pick]`);
      if (!(await box.isChecked())) await box.check();
    }
    await page.getByTestId('compare-runs').click();
    await expect.poll(async () => page.locator('.compare-page h2').textContent(), { timeout: STEP_MS }).toMatch(/v1\s*→\s*v2/);
    await page.getByTestId('diff-flame').nth(1).click();
    await page.getByTestId('diff-legend').waitFor();
    const red = await page.getByTestId('flame-canvas').evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > d[i + 1] + 60 && d[i] > d[i + 2] + 60) n++;
      return n;
    });
    await page.screenshot({ path: join(SHOTS, 'runs-diff-flame.png') });
    expect(red).toBeGreaterThan(500);
    expect(await page.getByTestId('mark-note').textContent()).toMatch(/significant/);
    expect(errors).toEqual([]);
  });

  it('two runs of go test -bench output: benchstat\'s tables on the compare page; a bench artifact opens as its table', async () => {
    if ((await page.getByTestId('run-list').count()) === 0) await page.getByTestId('runs-button').click();
    for (const box of await page.locator('[data-testid=run-pick]:checked').all()) await box.uncheck();
    await page.locator('[data-testid=run-row][data-run=bench-a] [data-testid=run-pick]').check();
    await page.locator('[data-testid=run-row][data-run=bench-b] [data-testid=run-pick]').check();
    await page.getByTestId('compare-runs').click();
    await page.getByTestId('bench-compare').waitFor();
    expect(await page.getByTestId('bench-compare').textContent()).toMatch(/sec\/op.*geomean/s);
    await page.screenshot({ path: join(SHOTS, 'runs-bench.png'), fullPage: true });
    await page.locator('[data-testid=run-row][data-run=bench-b] button.open').click();
    await page.getByTestId('run-artifact').first().click();
    await expect.poll(() => page.getByTestId('bench-view').textContent(), { timeout: STEP_MS }).toMatch(/sec\/op/);
    await page.screenshot({ path: join(SHOTS, 'runs-bench-artifact.png') });
    expect(errors).toEqual([]);
  });

  it('a trend asked for by name follows the runs the label filter keeps', async () => {
    await page.getByTestId('runs-button').click();
    await page.getByTestId('runs-labels').fill('svc=runpair');
    await page.getByTestId('trend-function').fill('^main\\.render$');
    await page.getByTestId('trend-form').getByRole('button', { name: 'Trend' }).click();
    await page.getByTestId('trend-chart').waitFor();
    await expect.poll(() => page.locator('.trend .caption').textContent(), { timeout: STEP_MS }).toMatch(/main.*render.*over 11 runs/s);
    expect(errors).toEqual([]);
  });
}, 600_000);
