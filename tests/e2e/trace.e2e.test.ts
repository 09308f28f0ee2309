// The execution trace view end to end: `gpw serve`, Debian's Chromium through playwright-core,
// a real trace of tests/go/tracegen imported through the file picker. The page must show the
// trace's facts as Go's reader counts them, zoom into a GC cycle (the GC band and the keys and
// wheel zoom), and a click on a blocked goroutine span must show the reason, the stack where
// it blocked and what unblocked it, as Go's own reader (tests/go/tracewake) says; the
// goroutine table's counts equal Go's reader's groups; the blocking flame graph and the MMU
// chart draw under the CSP without errors; the blocking top table lists the analysis' rows, and
// a click on a worst MMU window opens the timeline zoomed to that window. Screenshots land in tests/.tmp/screenshots/trace-*.png.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
// @ts-expect-error: a plain .mjs helper without types
import { ensureTrace, goTracePprofFile, traceRefFacts } from '../go/trace-gen.mjs';
import { repoPath, tempDir } from '../helpers/paths';
import { pprofTop } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';
import { HAVE_CHROMIUM, launchChromium, openServedPage, tableCells } from '../helpers/chromium';
import { goWakes, type Wake } from '../helpers/tracewake';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace';
import { GoState, RangeKind, timeAt, type GoTrace } from '../../src-main/model/trace';
import { traceLanes } from '../../src-main/analysis/trace/lanes';
import { traceTimeline } from '../../src-main/analysis/trace/timeline';
import { RowKind, layoutLanes } from '../../src-renderer/lib/trace-lane-layout';
import { prepareTimeline } from '../../src-renderer/lib/trace-timeline-data';
import { mmuCurve } from '../../src-main/analysis/trace/mmu';
import { blockingProfileOf, blockingTop } from '../../src-main/analysis/trace/blocking-views';

const SHOTS = repoPath('tests/.tmp/screenshots');
const STEP_MS = 20_000;
/** The timeline's header column (Timeline.svelte HEAD_W) and the height of its axis and bands. */
const HEAD_W = 230;
const TOP_H = 108;
const BLOCKED_SYNC = [217, 100, 107];

let server: ServeProcess | undefined;
let context: BrowserContext | undefined;
const cleanups: (() => void)[] = [];

/** The time window the timeline shows: [t0, t0 + nsPerPx × width]. */
async function viewOf(page: Page): Promise<{ t0: number; nsPerPx: number; width: number; scrollTop: number }> {
  const v = await page.getByTestId('trace-timeline').getAttribute('data-view');
  const [t0, nsPerPx, width, scrollTop] = v!.split(',').map(Number);
  return { t0, nsPerPx, width, scrollTop };
}

/**
 * The view once it has stopped moving (the timeline eases over many frames, and a loaded machine
 * draws few of them): two reads 150 ms apart that agree.
 */
async function settledView(page: Page): Promise<Awaited<ReturnType<typeof viewOf>>> {
  let last = '';
  await expect
    .poll(async () => {
      const now = JSON.stringify(await viewOf(page));
      const still = now === last;
      last = now;
      return still;
    }, { timeout: STEP_MS, interval: 150 })
    .toBe(true);
  return JSON.parse(last);
}

/** The colour of a canvas point (CSS pixels). */
function colourAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.getByTestId('trace-timeline-canvas').evaluate(
    (el, { x, y }) => {
      const c = el as HTMLCanvasElement;
      const scale = c.width / c.clientWidth;
      return Array.from(c.getContext('2d')!.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data.slice(0, 3));
    },
    { x, y },
  );
}

describe.skipIf(!HAVE_CHROMIUM)('the execution trace view in Chromium via gpw serve', () => {
  let page: Page;
  let tracePath: string;
  let trace: GoTrace;
  let wakes: Wake[];
  /** The GC cycle zoomed into (index among the trace's cycles). */
  let cycle = -1;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tracePath = (await ensureTrace({ toolchain: 'local' })).path;
    trace = parseGoTrace(new Uint8Array(readFileSync(tracePath)));
    wakes = await goWakes(tracePath);
    const lib = tempDir('gpw-trace-e2e-');
    cleanups.push(lib.cleanup);
    const profile = tempDir('gpw-trace-e2e-chromium-');
    cleanups.push(profile.cleanup);
    server = await startServe(join(lib.dir, 'lib.sqlite'));
    context = await launchChromium(profile.dir, { viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    page = await openServedPage(context, server.url, errors, STEP_MS);
  }, 300_000);

  // Browser first (bounded: a hung Chromium must not hang the suite), then the server, then the folders.
  afterAll(async () => {
    const closing = context ? context.close().catch(() => undefined) : Promise.resolve();
    await Promise.race([closing, new Promise((done) => setTimeout(done, 10_000))]);
    if (server) await server.stop(3_000);
    cleanups.forEach((c) => c());
  });

  it('opens a trace: facts as Go reader counts them, the whole trace on the timeline', async () => {
    await page.getByTestId('file-input').setInputFiles(tracePath);
    await page.getByTestId('trace-timeline-canvas').waitFor();
    const ref = await traceRefFacts(tracePath);
    await expect.poll(() => page.getByTestId('trace-facts').innerText()).toContain(`${ref.goroutines} goroutines`);
    expect(await page.getByTestId('trace-facts').innerText()).toContain(`${ref.gcCount} GC cycles`);
    await expect.poll(async () => (await viewOf(page)).t0).toBe(0);
    const v = await viewOf(page);
    expect(v.nsPerPx * v.width).toBeCloseTo(trace.durationNs, -2);
    await page.screenshot({ path: join(SHOTS, 'trace-1-whole.png') });
  });

  it('zooms into a GC cycle (menu, wheel, keys)', async () => {
    const r = trace.ranges;
    const cycles: [number, number][] = [];
    for (let i = 0; i < r.count; i++) if (r.kind[i] === RangeKind.GcMark) cycles.push([timeAt(r.begin, i), Number.isNaN(r.end[i]) ? trace.durationNs : r.end[i]]);
    // A cycle during which some goroutine waits on a channel or lock for at least 3% of it (clicked below).
    const iv = traceLanes(trace).goroutines;
    const syncWait = (k: number): boolean => iv.state[k] === GoState.Waiting && /chan|sync|select/.test(trace.strings[iv.reason[k]]);
    cycle = cycles.findIndex(([b, e]) => iv.state.some((_, k) => syncWait(k) && iv.begin[k] > b && iv.end[k] < e && iv.end[k] - iv.begin[k] > 0.03 * (e - b)));
    expect(cycle).toBeGreaterThanOrEqual(0);
    const [b, e] = cycles[cycle];
    await page.getByTestId('trace-gc-select').selectOption({ index: cycle + 1 });
    // The view eases to the cycle: it ends up showing it, with a small margin.
    await expect.poll(async () => { const v = await viewOf(page); return v.t0 <= b && v.t0 + v.nsPerPx * v.width >= e && v.nsPerPx * v.width < (e - b) * 1.3; }).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'trace-2-gc-cycle.png') });

    const canvas = page.getByTestId('trace-timeline-canvas');
    const box = (await canvas.boundingBox())!;
    const before = await viewOf(page);
    const px = box.x + HEAD_W + 300;
    const tUnder = before.t0 + 300 * before.nsPerPx;
    await page.mouse.move(px, box.y + 300);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await viewOf(page)).nsPerPx).toBeLessThan(before.nsPerPx * 0.65);
    const zoomed = await settledView(page);
    // The time under the pointer stays under it.
    expect(Math.abs(zoomed.t0 + 300 * zoomed.nsPerPx - tUnder)).toBeLessThan(2 * before.nsPerPx);
    await page.keyboard.press('s');
    await expect.poll(async () => (await viewOf(page)).nsPerPx).toBeGreaterThan(zoomed.nsPerPx * 1.2);
    await page.keyboard.press('d');
    await expect.poll(async () => (await viewOf(page)).t0).toBeGreaterThan(zoomed.t0);
    await page.getByTestId('trace-gc-select').selectOption({ index: cycle + 1 });
    await expect.poll(async () => { const v = await viewOf(page); return v.t0 <= b && v.t0 + v.nsPerPx * v.width >= e; }).toBe(true);
    await settledView(page);
  });

  it('a click on a blocked goroutine span shows its reason, stack and what unblocked it, as Go reader says', async () => {
    // A sync wait that lies wholly in the window, at least 12 pixels wide: click its middle.
    const v = await viewOf(page);
    const iv = traceLanes(trace).goroutines;
    let mid = -1;
    let left = -1;
    let g = -1;
    for (let k = 0; k < iv.state.length && mid < 0; k++) {
      if (iv.state[k] !== GoState.Waiting || !/chan|sync|select/.test(trace.strings[iv.reason[k]])) continue;
      const x0 = (iv.begin[k] - v.t0) / v.nsPerPx;
      const x1 = (iv.end[k] - v.t0) / v.nsPerPx;
      if (x0 > 10 && x1 < v.width - 30 && x1 - x0 >= 12) {
        mid = (x0 + x1) / 2;
        left = x0;
        g = iv.start.findIndex((s, i) => s <= k && iv.start[i + 1] > k);
      }
    }
    expect(mid, `a blocked (sync) span lies wholly in GC cycle ${cycle + 1}`).toBeGreaterThan(0);
    // Its lane, laid out as the page lays it out (grouped by start function, by id).
    const tl = traceTimeline(trace);
    const rows = layoutLanes(tl, prepareTimeline(tl).taskRows, { filter: '', sort: 'id', grouped: true, collapsed: new Set() });
    const r = Array.from(rows.ref.subarray(0, rows.count)).findIndex((ref, i) => ref === g && rows.kind[i] === RowKind.Goroutine);
    const box = (await page.getByTestId('trace-timeline-canvas').boundingBox())!;
    await page.mouse.move(box.x + HEAD_W + mid, box.y + TOP_H + 40);
    // Scroll its lane into view (shift+wheel scrolls the lanes).
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, Math.max(0, rows.y[r] - 200));
    await page.keyboard.up('Shift');
    await page.mouse.move(box.x + 5, box.y + 5); // no pointer line over the lanes
    const y = TOP_H + rows.y[r] - (await settledView(page)).scrollTop + 8;
    // Sampled 2 px inside its left edge: a span 70 px wide or more carries its reason as text from
    // 4 px in, at mid-height, and a glyph's anti-aliased edge at the middle once read 5 % darker.
    await expect.poll(() => colourAt(page, HEAD_W + left + 2, y), { message: `G${trace.goId[g]}'s blocked span is drawn` }).toEqual(BLOCKED_SYNC);
    await page.mouse.click(box.x + HEAD_W + mid, box.y + y);
    await page.getByTestId('trace-span').waitFor();
    const title = await page.getByTestId('trace-span-title').innerText();
    expect(title).toMatch(/^blocked: /);
    const reason = title.replace(/^blocked: /, '');
    expect(reason).toMatch(/chan|sync|select/);
    const goroutine = Number(/^G(\d+)/.exec(await page.getByTestId('trace-span-goroutine').innerText())![1]);
    const dur = page.getByTestId('trace-span-duration');
    const durationNs = Number(await dur.getAttribute('data-ns'));
    const beginNs = Number(await dur.getAttribute('data-begin-ns'));
    expect(beginNs).toBeGreaterThan(v.t0);
    expect(beginNs + durationNs).toBeLessThan(v.t0 + v.nsPerPx * v.width);
    const startText = await page.getByTestId('trace-span-start').innerText();
    await page.screenshot({ path: join(SHOTS, 'trace-3-span.png') });

    // Go's reader: this goroutine's wait of exactly this length, and what ended it.
    const wake = wakes.find((w) => w.g === goroutine && w.blockedNs === durationNs);
    if (!wake) {
      // A wait under way when the trace (or its generation) began has no wake-up Go can time: it must not be one that Go saw end.
      expect(await page.getByTestId('trace-span-woken').count()).toBe(0);
      return;
    }
    expect(wake.reason).toBe(reason);
    expect(startText).toContain(wake.blockLeaf);
    const woken = await page.getByTestId('trace-span-woken').innerText();
    expect(woken).toMatch(/^Unblocked by/);
    if (wake.by >= 0) expect(woken).toContain(`by G${wake.by} `);
    expect(woken).toContain(wake.proc >= 0 ? `on P${wake.proc}` : 'without a P');
    if (wake.leaf) expect(woken).toContain(wake.leaf);
    console.log(`[trace e2e] clicked G${goroutine} blocked (${reason}) ${durationNs} ns: unblocked by G${wake.by} on P${wake.proc} at ${wake.leaf}, as Go's reader says`);
  });

  it('the goroutine table counts goroutines per start function as Go reader does', async () => {
    await page.getByTestId('trace-tab-goroutines').click();
    const ref = await traceRefFacts(tracePath);
    await expect.poll(async () => (await tableCells(page, 'trace-goroutines')).length).toBe(Object.keys(ref.groups).length);
    for (const [name, count] of await tableCells(page, 'trace-goroutines')) expect(Number(count), name).toBe(ref.groups[name === '(no stack seen)' ? '' : name]);
    await page.screenshot({ path: join(SHOTS, 'trace-4-goroutines.png') });
  });

  it('blocking flame graph and MMU chart draw under the CSP', async () => {
    await page.getByTestId('trace-tab-blocking').click();
    await page.getByTestId('trace-blocking-flame').waitFor();
    await page.screenshot({ path: join(SHOTS, 'trace-5-blocking.png') });
    await page.getByTestId('trace-tab-mmu').click();
    const painted = (): Promise<number> =>
      page.locator('[data-testid=trace-mmu-chart] canvas').first().evaluate((el) => {
        const c = el as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let blue = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 150 && d[i] < 80 && d[i + 3] > 200) blue++;
        return blue;
      });
    await expect.poll(painted).toBeGreaterThan(200);
    await page.screenshot({ path: join(SHOTS, 'trace-6-mmu.png') });
    expect(errors).toEqual([]);
  });

  it('the blocking top table equals the analysis and exports as go tool trace writes it; a worst MMU window opens the timeline zoomed to it', async () => {
    await page.getByTestId('trace-tab-blocking').click();
    await page.getByTestId('trace-blocking-sync').click();
    const top = blockingTop(blockingProfileOf(trace, 'sync'), 'delay', 50);
    await expect.poll(async () => (await tableCells(page, 'top-table')).length, { timeout: STEP_MS }).toBe(top.rows.length);
    const names = (await tableCells(page, 'top-table')).map((cells) => cells[cells.length - 1]);
    expect(names).toEqual(top.rows.map((r) => r.name));
    // Ordered by cum, as pprof -top -cum; a row picked is highlighted.
    await page.getByTestId('sort-cum').click();
    const byCum = blockingTop(blockingProfileOf(trace, 'sync'), 'delay', 50, true);
    await expect.poll(async () => (await tableCells(page, 'top-table')).map((cells) => cells[cells.length - 1])).toEqual(byCum.rows.map((r) => r.name));
    await page.locator('[data-testid=top-table] tbody tr').first().click();
    await expect.poll(() => page.locator('[data-testid=top-table] tbody tr.hit').count()).toBe(1);
    await page.getByTestId('top-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'trace-5b-blocking-top.png'), fullPage: true });
    // The pprof export: go tool pprof -top reads it as it reads go tool trace -pprof=sync's file.
    const dir = tempDir('gpw-trace-e2e-export-');
    cleanups.push(dir.cleanup);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: STEP_MS }), page.getByTestId('trace-blocking-export').click()]);
    expect(download.suggestedFilename()).toBe('local-sync.pb.gz');
    const exported = join(dir.dir, download.suggestedFilename());
    await download.saveAs(exported);
    const theirsFile: string = await goTracePprofFile(tracePath, 'sync');
    cleanups.push(() => rmSync(theirsFile, { force: true }));
    const [ours, theirs] = await Promise.all([pprofTop(exported, 'delay', 'nanoseconds', 0), pprofTop(theirsFile, 'delay', 'nanoseconds', 0)]);
    expect(ours).toEqual(theirs);

    await page.getByTestId('trace-tab-mmu').click();
    const windows = page.getByTestId('trace-mmu-window');
    await windows.first().waitFor({ timeout: STEP_MS });
    const curve = mmuCurve(trace, {});
    expect(await windows.count()).toBe(curve.worst.reduce((n, s) => n + s.windows.length, 0));
    await page.screenshot({ path: join(SHOTS, 'trace-6b-mmu-worst.png'), fullPage: true });
    // The worst window of the smallest size: the timeline opens on it (with the small margin fitRange adds).
    const w = curve.worst[0].windows[0];
    expect(Number(await windows.first().getAttribute('data-start'))).toBeCloseTo(w.startNs, 0);
    await windows.first().click();
    await page.getByTestId('trace-timeline-canvas').waitFor();
    const v = await settledView(page);
    const shownEnd = v.t0 + v.nsPerPx * v.width;
    expect(v.t0).toBeLessThanOrEqual(w.startNs);
    expect(shownEnd).toBeGreaterThanOrEqual(w.startNs + w.durationNs);
    expect(shownEnd - v.t0).toBeLessThan(w.durationNs * 1.2);
    expect(await page.getByTestId('trace-marked-range').innerText()).toMatch(/^MMU window \S+ \+ 1\.00ms$/);
    // The window's edges are dashed lines (#2456c4) down from the axis: found in the GC bands, where nothing else is blue.
    const edgeX = HEAD_W + Math.round((w.startNs - v.t0) / v.nsPerPx);
    const strip = await Promise.all(Array.from({ length: 8 }, (_, k) => colourAt(page, edgeX, 24 + k)));
    await page.screenshot({ path: join(SHOTS, 'trace-6c-mmu-window-timeline.png') });
    expect(strip.some(([r, g, b]) => Math.abs(r - 36) < 30 && Math.abs(g - 86) < 30 && Math.abs(b - 196) < 30), JSON.stringify(strip)).toBe(true);
    expect(errors).toEqual([]);
  });

  it("the GC what-if tab reads the trace's own GC cycles", async () => {
    const ref = await traceRefFacts(tracePath);
    await page.getByTestId('trace-tab-gc').click();
    // Recorded cycles: the complete mark phases of the trace (Go's reader counts every mark begun).
    const recorded = async (): Promise<number> => Number((await page.getByTestId('fig-count').locator('td').nth(1).textContent()) ?? NaN);
    await expect.poll(recorded, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await recorded()).toBeLessThanOrEqual(ref.gcCount);
    expect(await recorded()).toBeGreaterThanOrEqual(ref.gcCount - 1);
    await page.screenshot({ path: join(SHOTS, 'trace-7-gc-whatif.png') });
    expect(errors).toEqual([]);
  });
});
