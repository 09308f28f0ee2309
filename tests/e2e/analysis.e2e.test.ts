// End to end, the analysis views as a user drives them: `gpw serve` on a library holding two
// real CPU profiles of one program (tests/go/profpair), Debian's Chromium through
// playwright-core. Tick both → Compare; the diff flame graph is red and blue with a legend and
// the comparison table equals `go tool pprof -top -diff_base`; a frame picked with the arrow
// keys is focused (a chip, kept in the URL across a reload); its sandwich view shows pprof's
// change for it; Export saves the same SVG as `gpw export`. Then merge, and the shortcuts help.
// Screenshots land in tests/.tmp/screenshots/analysis-*.png.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { formatValue } from '../../src-main/analysis/units';
import { decodeFrame } from '../../src-main/api/wire';
import { HAVE_CHROMIUM, launchChromium, openServedPage, tableCells } from '../helpers/chromium';
import { repoPath, tempDir } from '../helpers/paths';
import { gpwJson, pprofHeader, pprofTop } from '../helpers/run';
import { ensureProfilePairs, pairProfile } from '../helpers/profpair';
import { startServe, type ServeProcess } from '../helpers/serve';

const SHOTS = repoPath('tests/.tmp/screenshots');
const STEP_MS = 10_000;

let context: BrowserContext | undefined;
let server: ServeProcess | undefined;
const cleanups: (() => void)[] = [];

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `analysis-${name}.png`) });
}

/** Pixels of the canvas that are clearly red (growth) and clearly blue (shrinkage). */
function diffPixels(page: Page, testid: string): Promise<{ red: number; blue: number }> {
  return page.getByTestId(testid).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let red = 0;
    let blue = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] > d[i + 1] + 60 && d[i] > d[i + 2] + 60) red++;
      if (d[i + 2] > d[i] + 60 && d[i + 2] > d[i + 1] + 20) blue++;
    }
    return { red, blue };
  });
}

interface DiffUiRow {
  deltaFlat: string;
  deltaCum: string;
  name: string;
}
async function diffRows(page: Page): Promise<DiffUiRow[]> {
  return (await tableCells(page, 'diff-table')).map((td) => ({ deltaFlat: td[2], deltaCum: td[6], name: td[8] }));
}

const signed = (v: number, unit: string): string => (v > 0 ? '+' : '') + formatValue(v, unit);
const exact = (name: string): string => '^' + name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$';

describe.skipIf(!HAVE_CHROMIUM)(`the analysis views in Chromium via gpw serve${HAVE_CHROMIUM ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let page: Page;
  let lib: string;
  let tmp: string;
  let idA = '';
  let idB = '';
  let fn = '';
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = tempDir('gpw-e2e-analysis-');
    cleanups.push(dir.cleanup);
    tmp = dir.dir;
    lib = join(tmp, 'lib.sqlite');
    await ensureProfilePairs();
    const imported = await gpwJson<{ artifacts: { id: string; file: string }[] }>(lib, 'import', pairProfile('cpu-a'), pairProfile('cpu-b'));
    idA = imported.artifacts.find((a) => a.file === 'cpu-a.pb.gz')!.id;
    idB = imported.artifacts.find((a) => a.file === 'cpu-b.pb.gz')!.id;
    const profileDir = tempDir('gpw-e2e-analysis-chromium-');
    cleanups.push(profileDir.cleanup);
    const [s, ctx] = await Promise.allSettled([
      startServe(lib).then((srv) => (server = srv)),
      launchChromium(profileDir.dir, { acceptDownloads: true }).then((c) => (context = c)),
    ]);
    if (s.status === 'rejected') throw s.reason;
    if (ctx.status === 'rejected') throw ctx.reason;
    page = await openServedPage(context!, server!.url, errors, STEP_MS);
  });

  afterAll(async () => {
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await server?.stop(3_000);
    for (const c of cleanups) c();
  });

  it('compares two profiles: red/blue flame graph with a legend, and the comparison table of pprof -diff_base', async () => {
    await expect.poll(() => page.getByTestId('artifact').count(), { timeout: STEP_MS }).toBe(2);
    await page.getByTestId('pick').nth(0).check();
    await page.getByTestId('pick').nth(1).check();
    await page.getByTestId('compare-picked').click();
    await page.getByTestId('diff-legend').waitFor();
    // The newer profile is shown, the older is the base.
    expect(await page.locator('h2').textContent()).toContain('cpu-b.pb.gz');
    expect(await page.getByTestId('diff-legend').textContent()).toMatch(/base cpu-a\.pb\.gz .*→ new cpu-b\.pb\.gz/);
    expect(await page.getByTestId('compare-with').inputValue()).toBe(idA);
    await page.getByTestId('diff-table').waitFor();
    await expect.poll(async () => (await diffPixels(page, 'flame-canvas')).red, { timeout: STEP_MS }).toBeGreaterThan(500);
    expect((await diffPixels(page, 'flame-canvas')).blue).toBeGreaterThan(500);

    const ref = await pprofTop(pairProfile('cpu-b'), 'cpu', 'nanoseconds', 0, ['-nodefraction=0', `-diff_base=${pairProfile('cpu-a')}`]);
    const ui = await diffRows(page);
    expect(ui.length).toBeGreaterThan(5);
    for (const row of ui.slice(0, 15)) {
      const r = ref.rows.find((p) => p.name === row.name);
      expect(r, row.name).toBeDefined();
      expect([row.name, row.deltaFlat, row.deltaCum]).toEqual([row.name, signed(r!.flat, 'nanoseconds'), signed(r!.cum, 'nanoseconds')]);
    }
    // Ordered by |Δ flat| as the caption says.
    const sizes = ui.map((row) => Math.abs(ref.rows.find((p) => p.name === row.name)!.flat));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    await shot(page, '01-diff');
  });

  it('selects a frame with the arrow keys and focuses it; the focus is a chip and stays in the URL', async () => {
    await page.locator('h2').click(); // keyboard focus on the page, not in a field
    // Down the heaviest path until one of the program's work functions is selected.
    const selection = page.getByTestId('flame-selection');
    const WORK = /^main\.(recurse|spin|hashWork|sortWork)$/;
    const path: string[] = [];
    for (let k = 0; k < 20 && !WORK.test(fn); k++) {
      await page.keyboard.press('ArrowDown');
      fn = ((await selection.locator('.sel-name').textContent()) ?? '').trim();
      path.push(fn);
    }
    expect(fn, path.join(' → ')).toMatch(WORK);
    // ↑ selects the caller, ↓ comes back down the heaviest path.
    await page.keyboard.press('ArrowUp');
    expect((await selection.locator('.sel-name').textContent())?.trim()).toBe(path.at(-2));
    await page.keyboard.press('ArrowDown');
    expect((await selection.locator('.sel-name').textContent())?.trim()).toBe(fn);
    await shot(page, '02-selected');
    await page.getByTestId('frame-focus').click();
    await expect.poll(() => page.getByTestId('chip-focus').textContent(), { timeout: STEP_MS }).toContain(exact(fn));
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain(`focus=${exact(fn)}`);

    const ref = await pprofTop(pairProfile('cpu-b'), 'cpu', 'nanoseconds', 0, ['-nodefraction=0', `-diff_base=${pairProfile('cpu-a')}`, `-focus=${exact(fn)}`]);
    await expect.poll(async () => (await diffRows(page)).length, { timeout: STEP_MS }).toBeLessThanOrEqual(ref.rows.length);
    await expect
      .poll(async () => (await diffRows(page)).find((r) => r.name === fn)?.deltaCum, { timeout: STEP_MS })
      .toBe(signed(ref.rows.find((r) => r.name === fn)!.cum, 'nanoseconds'));
    for (const row of await diffRows(page)) expect(ref.rows.some((r) => r.name === row.name), row.name).toBe(true);
    await shot(page, '03-focused');

    // A reload opens the same view from the URL.
    await page.reload();
    await page.getByTestId('chip-focus').waitFor();
    expect(await page.getByTestId('chip-focus').textContent()).toContain(exact(fn));
    await page.getByTestId('diff-legend').waitFor();
  });

  it("opens the focused function's sandwich view with pprof's change for it", async () => {
    await page.getByTestId('diff-table').waitFor();
    await page.locator('[data-testid=diff-table] tbody tr', { hasText: fn }).first().click();
    await page.getByTestId('sandwich').waitFor();
    await page.getByTestId('sandwich-callers').waitFor();
    await page.getByTestId('sandwich-callees').waitFor();
    expect(await page.getByTestId('sandwich-function').locator('code').textContent()).toBe(fn);
    const ref = await pprofTop(pairProfile('cpu-b'), 'cpu', 'nanoseconds', 0, ['-nodefraction=0', `-diff_base=${pairProfile('cpu-a')}`, `-focus=${exact(fn)}`]);
    const r = ref.rows.find((p) => p.name === fn)!;
    const fmt = (v: number): string => (v > 0 ? '+' : v < 0 ? '−' : '±') + formatValue(Math.abs(v), 'nanoseconds');
    expect(await page.getByTestId('sandwich-change').textContent()).toBe(`change: flat ${fmt(r.flat)}, cum ${fmt(r.cum)} (new − base)`);
    // Both halves drawn, in the comparison's colours where the function's stacks changed (the canvases
    // are drawn in a frame after the change line: polled, bounded).
    const coloured = async (): Promise<number> => {
      let n = 0;
      for (const id of ['sandwich-callers', 'sandwich-callees']) n += ((px) => px.red + px.blue)(await diffPixels(page, id));
      return n;
    };
    await expect.poll(coloured, { timeout: STEP_MS }).toBeGreaterThan(200);
    for (const id of ['sandwich-callers', 'sandwich-callees']) {
      const painted = await page.getByTestId(id).evaluate((el) => {
        const c = el as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 250) n++;
        return n;
      });
      expect(painted, id).toBeGreaterThan(2000);
    }
    expect(new URL(page.url()).hash).toContain('tab=sandwich');
    await shot(page, '04-sandwich');
  });

  it('exports the view as SVG: the same file as gpw export of that view', async () => {
    await page.getByTestId('export-format').selectOption('svg');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: STEP_MS }), page.getByTestId('export-button').click()]);
    expect(download.suggestedFilename()).toBe('cpu-b-diff.svg');
    const saved = join(tmp, 'ui.svg');
    await download.saveAs(saved);
    const svg = readFileSync(saved, 'utf8');
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain(`<title>${fn} · `);
    expect(svg).toContain('grew (new &gt; base)');
    const cli = join(tmp, 'cli.svg');
    const view = [idB, '--diff-base', idA, '--focus', exact(fn)];
    await Promise.all([
      gpwJson(lib, 'export', ...view, '--format', 'svg', '--out', cli),
      // The exported picture, to look at.
      gpwJson(lib, 'export', ...view, '--format', 'png', '--out', join(SHOTS, 'analysis-05-exported.png')),
    ]);
    expect(svg).toBe(readFileSync(cli, 'utf8'));
    await expect.poll(() => page.getByTestId('view-status').textContent(), { timeout: STEP_MS }).toBe('exported cpu-b-diff.svg');
  });

  it('shows the call tree and the inverted flame graph of the view', async () => {
    await page.getByTestId('tab-tree').click();
    await page.getByTestId('call-tree').waitFor();
    // Opened along the heavy path: the focused function's stack is expanded down to it.
    await expect.poll(() => page.getByTestId('call-tree-row').count(), { timeout: STEP_MS }).toBeGreaterThan(5);
    expect(await page.getByTestId('call-tree').textContent()).toContain(fn);
    await shot(page, '06-call-tree');
    const open = await page.getByTestId('call-tree-row').count();
    await page.getByTestId('call-tree-toggle').first().click();
    await expect.poll(() => page.getByTestId('call-tree-row').count(), { timeout: STEP_MS }).toBe(1);
    await page.getByTestId('call-tree-toggle').first().click({ modifiers: ['Alt'] });
    await expect.poll(() => page.getByTestId('call-tree-row').count(), { timeout: STEP_MS }).toBeGreaterThanOrEqual(open);
    await page.getByTestId('tab-inverted').click();
    await expect.poll(async () => { const p = await diffPixels(page, 'flame-canvas'); return p.red + p.blue; }, { timeout: STEP_MS }).toBeGreaterThan(500);
    await shot(page, '07-inverted');
  });

  it('opens the shortcuts help with ? and closes it with Esc', async () => {
    await page.locator('h2').click();
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').waitFor();
    expect(await page.getByTestId('shortcuts-help').textContent()).toContain('select the caller');
    await shot(page, '08-help');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts-help').count(), { timeout: STEP_MS }).toBe(0);
  });

  it('merges the two profiles into one view, as pprof merges files, and saves the merge to the library', async () => {
    await page.getByTestId('pick').nth(0).check();
    await page.getByTestId('pick').nth(1).check();
    await page.getByTestId('merge-picked').click();
    await page.getByTestId('merge-note').waitFor();
    await page.getByTestId('top-table').waitFor();
    const ref = await pprofTop([pairProfile('cpu-b'), pairProfile('cpu-a')], 'cpu', 'nanoseconds', 20);
    await expect.poll(() => page.locator('[data-testid=top-table] tbody tr td:last-child').first().textContent(), { timeout: STEP_MS }).toContain(ref.rows[0].name);
    // The caption's total is pprof's, in the unit pprof picks for the rows shown ("1.65s" or
    // "1650ms": it depends on the smallest of them), for the 100 rows the view asks for.
    const caption = (await page.locator('.top .caption').textContent()) ?? '';
    const pprofTotal = /of (\S+) total/.exec(await pprofHeader([pairProfile('cpu-b'), pairProfile('cpu-a')], 'cpu', 100))![1];
    expect(caption).toContain(`of ${pprofTotal} total`);
    await shot(page, '09-merged');
    await page.getByTestId('save-merge').click();
    await expect.poll(() => page.getByTestId('artifact').count(), { timeout: STEP_MS }).toBe(3);
    expect(errors).toEqual([]);
  });

  it('adds a show_from filter from the filter form; the table is pprof -show_from of the merge', async () => {
    await page.getByTestId('filter-open').click();
    await page.getByTestId('filter-key').selectOption('showFrom');
    await page.getByTestId('filter-value').fill('^main\\.cpuProfile$');
    await page.getByTestId('filter-add').click();
    await expect.poll(() => page.getByTestId('chip-showFrom').textContent(), { timeout: STEP_MS }).toContain('main\\.cpuProfile');
    const ref = await pprofTop([pairProfile('cpu-b'), pairProfile('cpu-a')], 'cpu', 'nanoseconds', 20, ['-show_from=^main\\.cpuProfile$']);
    const names = async (): Promise<string[]> => (await tableCells(page, 'top-table')).map((td) => td[td.length - 1].replace(/\s*\((?:partial-)?inline\)$/, ''));
    await expect.poll(async () => (await names())[0], { timeout: STEP_MS }).toBe(ref.rows[0].name);
    // The view lists more rows than pprof's default 20: the first 20 are pprof's.
    expect((await names()).slice(0, ref.rows.length)).toEqual(ref.rows.map((r) => r.name));
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain('showFrom=^main\\.cpuProfile$');
    await shot(page, '10-show-from');
    expect(errors).toEqual([]);
  });

  // The view's requests are counted: its flame graph answered first does not hide that its table is
  // still on the way (one flag, cleared by whichever answer came first, once showed neither "loading…"
  // nor the table). The page's own WebSocket is routed through the test, which holds the table's answers back.
  it('says "loading…" while the top table is on its way, after the flame graph came', async () => {
    const held = await context!.newPage();
    const tops = new Set<number>();
    await held.routeWebSocket(/\/api\?token=/, (ws) => {
      const server = ws.connectToServer();
      const idOf = (m: string | Buffer): { id?: number; method?: string } => (typeof m === 'string' ? {} : (decodeFrame(m) as { id?: number; method?: string }));
      ws.onMessage((m) => {
        const msg = idOf(m);
        if (msg.method === 'topTable' && msg.id !== undefined) tops.add(msg.id);
        server.send(m);
      });
      server.onMessage((m) => {
        const { id } = idOf(m);
        if (id !== undefined && tops.has(id)) setTimeout(() => ws.send(m), 1500);
        else ws.send(m);
      });
    });
    try {
      await held.goto(server!.url);
      await held.getByTestId('artifact').filter({ hasText: 'cpu-a.pb.gz' }).first().click();
      await held.getByTestId('flame-canvas').waitFor({ timeout: STEP_MS });
      expect(tops.size).toBeGreaterThan(0);
      expect(await held.getByTestId('top-table').count()).toBe(0);
      expect(await held.getByText('loading…').count()).toBe(1);
      await held.getByTestId('top-table').waitFor({ timeout: STEP_MS });
      await expect.poll(() => held.getByText('loading…').count(), { timeout: STEP_MS }).toBe(0);
    } finally {
      await held.close();
    }
  });
});
