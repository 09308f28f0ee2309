// End to end, as a user would: `gpw serve` on a fresh library, Debian's Chromium through
// playwright-core, and the renderer driven by mouse, keyboard, file picker and drag-and-drop.
// The numbers the UI shows are checked against `gpw top --json` on the same Go-made profiles.
// Screenshots land in tests/.tmp/screenshots/ (with GPW_UPDATE_SCREENSHOT=1, one is copied to
// docs/screenshot.png for the README).

import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { TopTable } from '../../src-main/api/types';
import { formatPercent, formatValue } from '../../src-main/analysis/units';
import { topFormatter } from '../../src-main/analysis/top-format';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, openServedPage, tableCells } from '../helpers/chromium';
import { goProfile, repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';

const SHOTS = repoPath('tests/.tmp/screenshots');
/** A non-zero time as formatValue prints it: a whole number or two decimals, in any of its units. */
const VALUE_NS = String.raw`\d+(?:\.\d\d)?(?:ns|us|ms|s|mins|hrs|days)`;
/** A share as readablePercent prints it (without the "%"), and one that is not zero. */
const NONZERO_SHARE = String.raw`(?:[1-9]\d*(?:\.\d\d)?|0\.0?[1-9]\d?|<0\.01)`;
const SHARE = `(?:0|${NONZERO_SHARE})`;
const VIEWPORT = { width: 1440, height: 900 };
const STEP_MS = 10_000; // bound on every single wait in the page

if (!HAVE_CHROMIUM) {
  console.warn(`[e2e] skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);
}

interface Server extends ServeProcess {
  library: string;
}

/** gpw serve on a library file (the shared helper), stopped in afterAll. */
async function startServer(library: string): Promise<Server> {
  const served = await startServe(library);
  servers.push(served);
  return Object.assign(served, { library });
}

const servers: ServeProcess[] = [];
const cleanups: (() => void)[] = [];
let context: BrowserContext | undefined;

/** What is drawn on the flame graph canvas: painted pixels, distinct colours, search-highlight pixels. */
function canvasStats(page: Page): Promise<{ width: number; height: number; painted: number; colors: number; magenta: number }> {
  return page.locator('[data-testid=flame-canvas]').evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    let magenta = 0;
    const colors = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 250) continue;
      painted++;
      colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (data[i] === 0xe0 && data[i + 1] === 0x40 && data[i + 2] === 0xfb) magenta++;
    }
    return { width: c.width, height: c.height, painted, colors: colors.size, magenta };
  });
}

interface UiRow {
  flat: string;
  flatPct: string;
  cum: string;
  name: string;
}

async function topRows(page: Page): Promise<UiRow[]> {
  return (await tableCells(page, 'top-table')).map((td) => ({ flat: td[0], flatPct: td[1], cum: td[3], name: td[5].replace(/\s*\((?:partial-)?inline\)$/, '') }));
}

function crumbs(page: Page): Promise<string[]> {
  return page.locator('[data-testid=crumb]').allTextContents();
}

async function shot(page: Page, name: string): Promise<string> {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens a page on the server, refusing any request that leaves it. */
function openPage(server: Server, errors: string[]): Promise<Page> {
  return openServedPage(context!, server.url, errors, STEP_MS);
}

describe.skipIf(!HAVE_CHROMIUM)(`the app in Chromium via gpw serve${HAVE_CHROMIUM ? '' : ` (skipped: ${CHROMIUM} is absent)`}`, () => {
  let server: Server;
  let page: Page;
  const errors: string[] = [];
  const cpuFile = goProfile('cpu');
  const heapFile = goProfile('heap');

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    const lib = tempDir('gpw-e2e-');
    cleanups.push(lib.cleanup);
    const profile = tempDir('gpw-e2e-chromium-');
    cleanups.push(profile.cleanup);
    // Server and browser start side by side; whichever comes up is cleaned up in afterAll.
    const [s, ctx] = await Promise.allSettled([
      startServer(join(lib.dir, 'lib.sqlite')),
      launchChromium(profile.dir, { viewport: VIEWPORT }).then((c) => (context = c)),
    ]);
    if (s.status === 'rejected') throw s.reason;
    if (ctx.status === 'rejected') throw ctx.reason;
    server = s.value;
    page = await openPage(server, errors);
  });

  afterAll(async () => {
    // Closing the context ends the browser; bounded, the servers are stopped either way.
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await Promise.all(servers.map((srv) => srv.stop(3_000)));
    for (const c of cleanups) c();
  });

  it('shows the empty-library welcome', async () => {
    await expect.poll(() => page.getByRole('heading', { name: 'Your library is empty' }).isVisible(), { timeout: STEP_MS }).toBe(true);
    await page.getByTestId('load-demo').waitFor();
    expect(await page.getByTestId('artifact').count()).toBe(0);
    await shot(page, '01-welcome');
  });

  it('imports a CPU profile through the file picker and draws its flame graph', async () => {
    await page.getByTestId('file-input').setInputFiles(cpuFile);
    await page.getByTestId('artifact').first().waitFor();
    await page.getByTestId('flame-canvas').waitFor();
    await expect.poll(() => page.getByTestId('sample-type').inputValue(), { timeout: STEP_MS }).toBe('cpu');
    await page.getByTestId('top-table').waitFor();
    // Drawn by our own canvas code: many painted pixels in several colours.
    await expect.poll(async () => (await canvasStats(page)).painted, { timeout: STEP_MS }).toBeGreaterThan(10_000);
    const stats = await canvasStats(page);
    expect(stats.width).toBeGreaterThan(600);
    expect(stats.colors).toBeGreaterThan(5);
    expect(await page.locator('h2').textContent()).toContain('cpu.pb.gz');
    await shot(page, '02-cpu-flame');
  });

  it('hovers for a tooltip, clicks to zoom, Esc to reset, / to search', async () => {
    const canvas = page.getByTestId('flame-canvas');
    const box = (await canvas.boundingBox())!;
    const row = (r: number): number => r * 18 + 9;
    expect(await crumbs(page)).toEqual(['root']);

    // A frame five rows down, left part of the graph.
    await canvas.hover({ position: { x: box.width * 0.1, y: row(4) } });
    const tip = page.getByTestId('flame-tooltip');
    await tip.waitFor();
    const tipText = (await tip.textContent()) ?? '';
    // The value and share as formatValue and readablePercent print them, whatever frame the
    // profile put under the pointer: "0" or two decimals in any time unit, and "100%", "0%",
    // "<0.01%", "49.83%" or "0.52%".
    expect(tipText).toMatch(new RegExp(`(?:0|${VALUE_NS}) · ${SHARE}% of total`));
    expect(tipText).toMatch(/% of parent/);
    const hovered = ((await tip.locator('.tip-name').textContent()) ?? '').replace(/ \(inline\)$/, '');
    expect(hovered).toMatch(/^\S+\.\S+/);
    await shot(page, '03-cpu-tooltip');

    await canvas.click({ position: { x: box.width * 0.1, y: row(4) } });
    await expect.poll(() => crumbs(page), { timeout: STEP_MS }).toHaveLength(5);
    const zoomed = await crumbs(page);
    expect(zoomed[0]).toBe('root');
    expect(zoomed.at(-1)).toBe(hovered);
    // Zoomed: the focused frame spans the whole width, so its right end names it too.
    await canvas.hover({ position: { x: box.width * 0.98, y: row(4) } });
    await expect.poll(async () => ((await tip.locator('.tip-name').textContent()) ?? '').replace(/ \(inline\)$/, ''), { timeout: STEP_MS }).toBe(hovered);
    await page.mouse.move(box.x + box.width / 2, box.y - 60); // off the canvas: no tooltip
    await expect.poll(() => tip.count(), { timeout: STEP_MS }).toBe(0);
    await shot(page, '04-cpu-zoomed');

    // A breadcrumb zooms back out one step.
    await page.getByTestId('crumb').nth(3).click();
    await expect.poll(() => crumbs(page), { timeout: STEP_MS }).toEqual(zoomed.slice(0, 4));

    // Esc resets the zoom; / focuses the search box.
    await page.getByTestId('crumb').nth(3).blur();
    await page.locator('body').click({ position: { x: 5, y: VIEWPORT.height - 5 } });
    await page.keyboard.press('Escape');
    await expect.poll(() => crumbs(page), { timeout: STEP_MS }).toEqual(['root']);
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: STEP_MS }).toBe('flame-search');
    expect(await page.getByTestId('flame-search').inputValue()).toBe(''); // the "/" was not typed in
    await page.keyboard.press('Escape');
  });

  it('keeps the tooltip inside a small window', async () => {
    const small = { width: 1024, height: 260 };
    await page.setViewportSize(small);
    try {
      const canvas = page.getByTestId('flame-canvas');
      // Scrolled to the top (scroll events arrive a frame later and drop the hover: wait them out).
      await page.locator('section.profile').evaluate((el) => {
        el.scrollTop = 0;
        return new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(null))));
      });
      const box = (await canvas.boundingBox())!;
      // The right end of a row near the bottom of the window: the tooltip must flip up and left.
      const y = Math.min(4 * 18 + 9, small.height - box.y - 12);
      expect(y).toBeGreaterThan(18);
      await page.mouse.move(box.x + box.width - 3, box.y + y);
      const tip = page.getByTestId('flame-tooltip');
      await tip.waitFor();
      const r = (await tip.boundingBox())!;
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(small.width);
      expect(r.y + r.height).toBeLessThanOrEqual(small.height);
      await shot(page, '03b-tooltip-small-window');
      await page.mouse.move(1, 1);
    } finally {
      await page.setViewportSize(VIEWPORT);
    }
    await page.setViewportSize({ width: 1024, height: 700 });
    await shot(page, '03c-narrow-window');
    await page.setViewportSize(VIEWPORT);
  });

  it('searches a function and shows its share of the total', async () => {
    const search = page.getByTestId('flame-search');
    await search.fill('main.fib');
    const share = page.getByTestId('search-share');
    await share.waitFor();
    const text = (await share.textContent()) ?? '';
    const pct = /([\d.]+)% of total/.exec(text);
    expect(pct, text).not.toBeNull();
    expect(Number(pct![1])).toBeGreaterThan(0);
    expect(Number(pct![1])).toBeLessThanOrEqual(100);
    expect(text).toMatch(/^[1-9]\d* match(es)?/);
    await expect.poll(async () => (await canvasStats(page)).magenta, { timeout: STEP_MS }).toBeGreaterThan(100);
    await shot(page, '05-cpu-search');
    // Esc in the search box clears the search (box, share and highlight), a second Esc leaves it.
    await search.focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => share.count(), { timeout: STEP_MS }).toBe(0);
    expect(await search.inputValue()).toBe('');
    await expect.poll(async () => (await canvasStats(page)).magenta, { timeout: STEP_MS }).toBe(0);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)).toBeNull();
    // Typing works as well as fill(): a regexp, one keystroke at a time.
    await page.keyboard.press('/');
    await page.keyboard.type('hashLoop$', { delay: 5 });
    await expect.poll(() => share.textContent(), { timeout: STEP_MS }).toMatch(new RegExp(`^[1-9]\\d* match(es)? · ${VALUE_NS} · ${NONZERO_SHARE}% of total$`));
    await search.fill('');
  });

  it('switches the sample type and the top table matches gpw top', async () => {
    const cpuRows = await topRows(page);
    expect(cpuRows.length).toBeGreaterThan(5);
    // The UI asks for 100 rows; the table's unit depends on the rows shown, so ask the CLI the same.
    const cli = await gpwJson<TopTable>(server.library, 'top', cpuFile, '--sample-index', 'samples', '--nodecount', '100');
    const cliCpu = await gpwJson<TopTable>(server.library, 'top', cpuFile, '--sample-index', 'cpu', '--nodecount', '100');
    // The cpu rows first: the same functions and formatted values as gpw top.
    for (let i = 0; i < Math.min(10, cliCpu.rows.length); i++) {
      expect(cpuRows[i].name).toBe(cliCpu.rows[i].name);
      expect(cpuRows[i].flat).toBe(topFormatter(cliCpu).value(cliCpu.rows[i].flat));
    }

    await page.getByTestId('sample-type').selectOption('samples');
    await expect.poll(async () => (await topRows(page))[0]?.flat, { timeout: STEP_MS }).toBe(String(cli.rows[0].flat));
    const rows = await topRows(page);
    const n = Math.min(cli.rows.length, 15);
    expect(rows.length).toBeGreaterThanOrEqual(n);
    for (let i = 0; i < n; i++) {
      expect({ i, name: rows[i].name, flat: rows[i].flat, cum: rows[i].cum }).toEqual({
        i,
        name: cli.rows[i].name,
        flat: topFormatter(cli).value(cli.rows[i].flat),
        cum: topFormatter(cli).value(cli.rows[i].cum),
      });
    }
    // The numbers changed with the type (ns → counts) but the shares did not.
    expect(rows[0].flat).not.toBe(cpuRows[0].flat);
    expect(rows[0].flat).toMatch(/^\d+$/);
    expect(cpuRows[0].flat).toMatch(/s$/);
    expect(rows[0].flatPct).toBe(cpuRows[0].flatPct);
    expect(await page.locator('.caption').textContent()).toContain(`of ${cli.total} total`);
    await shot(page, '06-cpu-samples');

    await page.getByTestId('sample-type').selectOption('cpu');
    await expect.poll(async () => (await topRows(page))[0]?.flat, { timeout: STEP_MS }).toBe(cpuRows[0].flat);

    // A click on a table row searches the flame graph for exactly that function.
    await page.locator('[data-testid=top-table] tbody tr').filter({ hasText: 'main.hashLoop' }).first().click();
    expect(await page.getByTestId('flame-search').inputValue()).toBe('^main\\.hashLoop$');
    const hashLoop = cliCpu.rows.find((r) => r.name === 'main.hashLoop')!;
    await expect
      .poll(() => page.getByTestId('search-share').textContent(), { timeout: STEP_MS })
      .toBe(`1 match · ${formatValue(hashLoop.cum, cliCpu.unit)} · ${formatPercent(hashLoop.cum, cliCpu.total)} of total`);
    expect(await page.locator('[data-testid=top-table] tbody tr.hit').count()).toBe(1);
    await page.getByTestId('flame-search').fill('');
  });

  it('orders the top table by cum as pprof -top -cum does, and back by flat', async () => {
    const cli = await gpwJson<TopTable>(server.library, 'top', cpuFile, '--sample-index', 'cpu', '--nodecount', '100', '--cum');
    await page.getByTestId('sort-cum').click();
    await expect.poll(async () => (await topRows(page)).slice(0, 8).map((r) => r.name), { timeout: STEP_MS }).toEqual(
      cli.rows.slice(0, 8).map((r) => r.name),
    );
    const rows = await topRows(page);
    expect(rows[0].cum).toBe(topFormatter(cli).value(cli.rows[0].cum));
    await shot(page, '06b-cpu-cum');
    await page.getByTestId('sort-flat').click();
    const byFlat = await gpwJson<TopTable>(server.library, 'top', cpuFile, '--sample-index', 'cpu', '--nodecount', '100');
    await expect.poll(async () => (await topRows(page))[0]?.name, { timeout: STEP_MS }).toBe(byFlat.rows[0].name);
  });

  it('imports a heap profile by drag-and-drop and opens it at inuse_space', async () => {
    // A run name and labels for this import, as gpw import --run/--label.
    await page.locator('.import-options summary').click();
    await page.getByTestId('import-run').fill('e2e run');
    await page.getByTestId('import-labels').fill('env=e2e, svc=heap');
    const bytes = readFileSync(heapFile).toString('base64');
    await page.evaluate(() => {
      const dt = new DataTransfer();
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.getByTestId('dropzone').waitFor();
    await shot(page, '08-dragover');
    await page.evaluate(
      ({ name, b64 }) => {
        const bin = atob(b64);
        const buf = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
        const dt = new DataTransfer();
        dt.items.add(new File([buf], name, { type: 'application/gzip' }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { name: 'heap.pb.gz', b64: bytes },
    );
    await expect.poll(() => page.getByTestId('dropzone').count(), { timeout: STEP_MS }).toBe(0);
    await expect.poll(() => page.locator('h2').textContent(), { timeout: STEP_MS }).toContain('heap.pb.gz');
    await expect.poll(() => page.getByTestId('sample-type').inputValue(), { timeout: STEP_MS }).toBe('inuse_space');
    expect(await page.getByTestId('artifact').count()).toBe(2);
    expect(await page.getByTestId('artifact').first().textContent()).toContain('heap.pb.gz'); // newest first
    const listed = await gpwJson<{ artifacts: { file: string; run: string | null; labels: Record<string, string> }[] }>(server.library, 'list');
    expect(listed.artifacts.find((a) => a.file === 'heap.pb.gz')).toMatchObject({ run: 'e2e run', labels: { env: 'e2e', svc: 'heap' } });
    await page.getByTestId('import-run').fill('');
    await page.getByTestId('import-labels').fill('');
    await page.locator('.import-options summary').click();
    const cli = await gpwJson<TopTable>(server.library, 'top', heapFile, '--nodecount', '100');
    expect(cli.sampleType).toBe('inuse_space');
    await expect.poll(async () => (await topRows(page))[0], { timeout: STEP_MS }).toMatchObject({
      name: cli.rows[0].name,
      flat: topFormatter(cli).value(cli.rows[0].flat),
    });
    await expect.poll(async () => (await canvasStats(page)).painted, { timeout: STEP_MS }).toBeGreaterThan(5_000);
    await shot(page, '09-heap');

    // The library list reopens the CPU profile.
    await page.getByTestId('artifact').filter({ hasText: 'cpu.pb.gz' }).click();
    await expect.poll(() => page.getByTestId('sample-type').inputValue(), { timeout: STEP_MS }).toBe('cpu');
    await page.getByTestId('top-table').waitFor();
  });

  it('says so when a file is not a profile, and keeps the library as it was', async () => {
    await page.getByTestId('file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('this is not a pprof profile\n') });
    const banner = page.getByTestId('error');
    await banner.waitFor();
    const message = (await banner.textContent()) ?? '';
    expect(message.length).toBeGreaterThan(10);
    expect(message).not.toMatch(/internal error|stack|at .*\.js:\d+/i);
    await shot(page, '10-import-error');
    expect(await page.getByTestId('artifact').count()).toBe(2);
    await banner.getByRole('button').click();
    await expect.poll(() => banner.count(), { timeout: STEP_MS }).toBe(0);
    expect(errors).toEqual([]);
  });

  it('deletes profiles (after a confirmation) back to the empty-library welcome', async () => {
    const dialogs: string[] = [];
    const onDialog = (d: import('playwright-core').Dialog): void => {
      dialogs.push(d.message());
      void d.accept();
    };
    page.on('dialog', onDialog);
    try {
      for (const remaining of [1, 0]) {
        await page.getByTestId('delete').first().click();
        await expect.poll(() => page.getByTestId('artifact').count(), { timeout: STEP_MS }).toBe(remaining);
      }
    } finally {
      page.off('dialog', onDialog);
    }
    expect(dialogs).toHaveLength(2);
    expect(dialogs[0]).toMatch(/^Delete .*\.pb\.gz from the library\?$/);
    await expect.poll(() => page.getByRole('heading', { name: 'Your library is empty' }).isVisible(), { timeout: STEP_MS }).toBe(true);
    expect(await page.getByText('0 in library').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('loads the demo library from the welcome screen of a fresh library', async () => {
    const lib = tempDir('gpw-e2e-demo-');
    cleanups.push(lib.cleanup);
    const demo = await startServer(join(lib.dir, 'lib.sqlite'));
    const demoErrors: string[] = [];
    const p = await openPage(demo, demoErrors);
    await p.getByTestId('load-demo').click();
    await expect.poll(() => p.getByTestId('artifact').count(), { timeout: STEP_MS }).toBe(6);
    await expect.poll(() => p.getByTestId('sample-type').inputValue(), { timeout: STEP_MS }).toBe('cpu');
    await expect.poll(() => p.locator('h2').textContent(), { timeout: STEP_MS }).toContain('demo-cpu');
    await expect.poll(async () => (await canvasStats(p)).painted, { timeout: STEP_MS }).toBeGreaterThan(10_000);
    const badges = await p.locator('[data-testid=artifact] .badge').allTextContents();
    expect([...badges].sort()).toEqual(['allocs', 'block', 'cpu', 'goroutine', 'heap', 'mutex']);
    // The README picture: the demo library, a CPU flame graph with a tooltip, the top table.
    await p.setViewportSize({ width: 1440, height: 1000 });
    const canvas = p.getByTestId('flame-canvas');
    const box = (await canvas.boundingBox())!;
    await canvas.hover({ position: { x: box.width * 0.3, y: 5 * 18 + 9 } });
    await p.getByTestId('flame-tooltip').waitFor();
    const readme = await shot(p, '11-demo-readme');
    // The README picture is refreshed on request only, so a test run leaves the tree clean.
    if (process.env.GPW_UPDATE_SCREENSHOT) copyFileSync(readme, repoPath('docs/screenshot.png'));
    await p.setViewportSize(VIEWPORT);
    // Each demo profile opens with a flame graph or says why there is none.
    for (const kind of ['mutex', 'goroutine']) {
      await p.getByTestId('artifact').filter({ hasText: `demo-${kind}` }).click();
      await expect.poll(() => p.locator('h2').textContent(), { timeout: STEP_MS }).toContain(`demo-${kind}`);
      await p.getByTestId('top-table').waitFor();
      await shot(p, `12-demo-${kind}`);
    }
    expect(demoErrors).toEqual([]);
    await p.close();
  });
});
