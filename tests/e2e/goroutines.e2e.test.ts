// End to end in Chromium against `gpw serve`, on a real Go service that leaks goroutines and
// grows (tests/go/leakserver): a quick capture from a pasted URL whose trace opens from the
// Collect page; the leak view between two goroutine dumps; the runtime metrics charts of a run
// with GC and capture markers. Screenshots land in tests/.tmp/screenshots-goroutines/.
import { mkdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildLeakServer, startLeakServer } from '../go/leakserver/harness.mjs';
import { HAVE_CHROMIUM, openServedSession, type ServedSession } from '../helpers/chromium';
import { repoPath } from '../helpers/paths';
import { gpwJson } from '../helpers/run';

const SHOTS = repoPath('tests/.tmp/screenshots-goroutines');
const STEP_MS = 20_000;

function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => res.resume().on('end', () => resolve())).on('error', reject).end();
  });
}

describe.skipIf(!HAVE_CHROMIUM)('goroutines, leaks and metrics in Chromium via gpw serve', () => {
  let session: ServedSession;
  let target: { url: string; stop: () => Promise<void> };
  let page: Page;
  let library: string;
  let errors: string[];

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    target = await startLeakServer(await buildLeakServer(), ['-grow-goroutines', '5', '-grow-heap', '3000000', '-churn', '40000000']);
    session = await openServedSession('goroutines', STEP_MS);
    ({ page, library, errors } = session);
  }, 300_000);

  afterAll(async () => {
    await session?.close();
    await target?.stop();
  });

  /** Sets the kind checkboxes to exactly `kinds`, runs a quick capture and waits for it. */
  async function quickCapture(kinds: string[], run = ''): Promise<void> {
    for (const k of ['cpu', 'trace', 'heap', 'allocs', 'block', 'mutex', 'goroutine', 'goroutines', 'goroutineleak', 'threadcreate', 'cmdline', 'expvar', 'metrics']) {
      const box = page.getByTestId(`kind-${k}`);
      if (kinds.includes(k)) await box.check();
      else await box.uncheck();
    }
    if (kinds.includes('trace')) await page.getByTestId('seconds-trace').fill('1');
    await page.getByTestId('quick-url').fill(target.url);
    await page.getByTestId('quick-run').fill(run);
    const before = await page.getByTestId('capture-job').count();
    await page.getByTestId('quick-capture').click();
    await expect.poll(() => page.getByTestId('capture-job').count()).toBe(before + 1);
    const job = page.getByTestId('capture-job').first();
    await expect.poll(() => job.getAttribute('data-phase'), { timeout: STEP_MS }).toBe('done');
  }

  it('quick capture: a pasted URL, no saved target; the captured trace opens from the Collect page', async () => {
    await page.getByTestId('collect-button').click();
    await quickCapture(['trace', 'goroutines', 'expvar']);
    await page.screenshot({ path: join(SHOTS, '01-quick-capture.png') });
    const items = await page.getByTestId('capture-job').first().getByTestId('capture-item').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-phase')]));
    expect(Object.fromEntries(items)).toEqual({ trace: 'done', goroutines: 'done', expvar: 'done' });
    await page.getByTestId('open-trace').click();
    await page.getByTestId('trace-view').waitFor();
    await expect.poll(() => page.getByTestId('trace-facts').textContent(), { timeout: STEP_MS }).toMatch(/\S/);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, '02-opened-trace.png') });
    expect(errors).toEqual([]);
  });

  it('the leak view: a second dump after a leak, compared with the first', async () => {
    await get(`${target.url}/leak?n=25`);
    await page.getByTestId('collect-button').click();
    await quickCapture(['goroutines']);
    await page.getByTestId('capture-job').first().getByTestId('open-goroutines').click();
    await page.getByTestId('goroutines-view').waitFor();
    await page.getByTestId('goroutine-group').first().waitFor();
    await page.screenshot({ path: join(SHOTS, '03-goroutine-groups.png') });
    // The earlier dump is the only other one.
    const base = page.getByTestId('goroutine-base');
    await base.selectOption({ index: 1 });
    await page.getByTestId('leak-row').first().waitFor();
    const rows = await page.getByTestId('leak-row').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    const leak = rows.find((r) => r.includes('main.leakyWait'));
    expect(leak).toMatch(/\+25/);
    expect(leak).toMatch(/0 → 25/);
    expect(leak).toMatch(/new/);
    await page.screenshot({ path: join(SHOTS, '04-leak-view.png') });
    // Filtering by function leaves the leaking group only.
    await page.getByTestId('goroutine-func').fill('leakyWait');
    await expect.poll(() => page.getByTestId('goroutine-group').count()).toBe(1);
    await expect.poll(() => page.getByTestId('leak-row').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('runtime metrics of a run over time, with GC and capture markers', async () => {
    await page.getByTestId('collect-button').click();
    for (let i = 0; i < 4; i++) {
      await quickCapture(i === 2 ? ['expvar', 'metrics', 'goroutines'] : ['expvar', 'metrics'], 'watch');
      await page.waitForTimeout(1200);
    }
    await page.getByTestId('capture-job').first().getByTestId('open-expvar').click();
    await page.getByTestId('metrics-view').waitFor();
    await page.getByTestId('metric-chart').first().waitFor();
    const names = await page.getByTestId('metric-chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(names.slice(0, 3)).toEqual(['goroutines', 'go_goroutines', 'memstats.HeapAlloc']);
    const head = (await page.locator('[data-testid=metrics-view] .head').textContent()) ?? '';
    expect(head).toMatch(/8 snapshots/); // 4 expvar + 4 Prometheus
    expect(Number(/(\d+) GC markers/.exec(head)?.[1])).toBeGreaterThan(0);
    expect(head).toMatch(/1 other captures/);
    await expect.poll(() => page.getByTestId('metric-slope').count()).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, '05-metrics.png'), fullPage: true });
    // Clicking the marker of the goroutine dump taken meanwhile opens that dump. The chart's
    // time axis spans the first to the last snapshot; the plot area is inset 64 px left, 24 right.
    const r = await gpwJson<{ series: { name: string; points: [number, number][] }[]; markers: { atMs: number; kind: string; artifactId?: string }[] }>(library, 'metrics', '--run', 'watch', '--series', 'goroutines');
    const pts = r.series[0].points;
    const marker = r.markers.find((m) => m.kind === 'capture')!;
    const box = (await page.getByTestId('metric-chart').first().locator('.chart').boundingBox())!;
    const x = box.x + 64 + ((marker.atMs - pts[0][0]) / (pts.at(-1)![0] - pts[0][0])) * (box.width - 64 - 24);
    // The click lands on the metrics view's own chart: go back there after opening the dump.
    await page.mouse.click(x, box.y + box.height / 2);
    await page.getByTestId('goroutines-view').waitFor();
    expect(await page.locator('[data-testid=goroutines-view] h2').textContent()).toMatch(/goroutines/);
    await page.screenshot({ path: join(SHOTS, '05b-marker-opened-dump.png') });
    await page.getByTestId('artifact').filter({ hasText: 'vars.json' }).first().click();
    await page.getByTestId('metrics-view').waitFor();
    await page.getByTestId('metric-chart').first().waitFor();
    // An unknown series is listed by its name and charts when picked.
    await page.getByTestId('metric-search').fill('leakserver_widgets');
    await page.getByRole('checkbox', { name: 'leakserver_widgets_total{shop="leaks"}', exact: true }).check();
    await expect.poll(() => page.locator('[data-testid=metric-chart][data-name^=leakserver_widgets_total]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, '06-unknown-series.png'), fullPage: true });
    // The GC series of the same snapshots is still there.
    await page.getByTestId('metrics-gc-tab').click();
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(SHOTS, '07-gc-series.png') });
    expect(errors).toEqual([]);
  });
});
