// A newcomer's day (issue 14), end to end in Chromium against `gpw serve` on a fresh library:
// the first screen, an import of several files where some are bad, the GC page's pause
// figures, labels, the drop overlay, same-named profiles compared and merged, a capture from a
// real Go service (header count, the trace's kind, the settings kept), and the trace timeline's
// zoom bound and tooltip. Screenshots land in tests/.tmp/screenshots-newcomer/.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Artifact, ProfileSummary } from '../../src-main/api/types';
import { formatValue } from '../../src-main/analysis/units';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
// @ts-expect-error: a plain .mjs helper without types
import { ensureGcLogs, VALIDATION_ARGS } from '../go/gcload-gen.mjs';
// @ts-expect-error: a plain .mjs helper without types
import { ensureTrace } from '../go/trace-gen.mjs';
import { HAVE_CHROMIUM } from '../helpers/chromium';
import { decodePng } from '../helpers/png';
import { ensureProfilePairs, pairProfile } from '../helpers/profpair';
import { goProfile, repoPath } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { useServedApp } from '../helpers/served-app';

const SHOTS = repoPath('tests/.tmp/screenshots-newcomer');
const STEP_MS = 20_000;

describe.skipIf(!HAVE_CHROMIUM)('a newcomer in Chromium via gpw serve', () => {
  const app = useServedApp('newcomer', STEP_MS, { viewport: { width: 1440, height: 900 } });
  let target: { url: string; stop: () => Promise<void> };
  let page: Page;
  let gcLog: string;
  let tracePath: string;
  let library = '';
  const errors = app.errors;
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const listed = async (): Promise<Artifact[]> => (await gpwJson<{ artifacts: Artifact[] }>(library, 'list')).artifacts;

  beforeAll(async () => {
    ({ page, library } = app);
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    await ensureProfilePairs();
    const { dir } = await ensureGcLogs({ set: 'e2e', configs: [{ name: 'gogc100', env: { GOGC: '100' } }], args: VALIDATION_ARGS, godebug: 'gctrace=1' });
    gcLog = join(dir, 'gogc100.log');
    tracePath = (await ensureTrace({ toolchain: 'local' })).path;
    target = await startPprofServer(await buildPprofServer());
  }, 600_000);

  afterAll(async () => {
    await target?.stop();
  });

  it('an empty library says so, names every format gpw reads, and the picker takes .out, .txt and .log', async () => {
    await page.getByText('Your library is empty').waitFor();
    const welcome = await page.locator('.welcome').innerText();
    for (const what of ['pprof profiles', 'execution traces', 'perf script', 'folded stacks', 'GODEBUG=gctrace=1', 'Prometheus']) expect(welcome).toContain(what);
    expect(await page.getByTestId('library-empty').innerText()).toMatch(/^The library is empty/);
    const accept = (await page.getByTestId('file-input').getAttribute('accept'))!.split(',');
    for (const ext of ['.out', '.txt', '.log', '.pb.gz', '.trace']) expect(accept).toContain(ext);
    // A filter that matches nothing says that instead.
    await page.getByTestId('filter-text').fill('zzz');
    await expect.poll(() => page.getByTestId('library-empty').innerText()).toBe('Nothing matches these filters.');
    await page.getByTestId('filter-text').fill('');
    await shot('01-empty');
  });

  it('shows every failed file of an import together, until dismissed', async () => {
    const cpu = readFileSync(goProfile('cpu'));
    await page.getByTestId('file-input').setInputFiles([
      { name: 'empty.pb.gz', mimeType: 'application/gzip', buffer: Buffer.alloc(0) },
      { name: 'picture.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex') },
      { name: 'cut.pb.gz', mimeType: 'application/gzip', buffer: cpu.subarray(0, Math.floor(cpu.length / 2)) },
      { name: 'gc.log', mimeType: 'text/plain', buffer: readFileSync(gcLog) },
    ]);
    await expect.poll(() => page.getByTestId('status').innerText()).toBe('imported 1 of 4 files (3 failed: see the messages)');
    const banners = page.getByTestId('error');
    await expect.poll(() => banners.count()).toBe(3);
    const texts = await banners.allInnerTexts();
    for (const [i, name] of ['empty.pb.gz', 'picture.png', 'cut.pb.gz'].entries()) expect(texts[i]).toContain(name);
    await shot('02-import-errors');
    // Still there after the import's note would have faded (8 s).
    await page.waitForTimeout(8_500);
    expect(await banners.count()).toBe(3);
    expect(await page.getByTestId('status').innerText()).toContain('3 failed');
    await banners.nth(1).getByRole('button').click();
    await expect.poll(() => banners.count()).toBe(2);
    await page.getByTestId('dismiss-errors').click();
    await expect.poll(() => banners.count()).toBe(0);
  }, 60_000);

  it('the GC page gives its pause figures units and says what they count', async () => {
    // The good file of the import (the GC log) is open.
    const pauses = page.getByTestId('sum-pauses');
    await pauses.waitFor();
    expect(await pauses.innerText()).toMatch(/^\d+\.\d ms in \d+ cycles, longest \d+\.\d\d ms$/);
    expect(await page.locator('dt', { hasText: 'GC pauses' }).count()).toBe(1);
    await shot('03-gc-pauses');
  });

  it('labels: + label takes the keyboard at once, a removed label can be undone', async () => {
    await page.getByTestId('artifact').first().click();
    await page.getByTestId('add-label').first().click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('label-input');
    await page.keyboard.type('env=prod');
    await page.keyboard.press('Enter');
    const chip = page.getByTestId('label-chip');
    await expect.poll(() => chip.allInnerTexts()).toEqual(['env=prod×']);
    await chip.getByRole('button').click();
    await expect.poll(() => chip.count()).toBe(0);
    expect(await page.getByTestId('undo-bar').innerText()).toContain('removed env=prod from gc.log');
    await shot('04-label-undo');
    await page.getByTestId('undo-label').click();
    await expect.poll(() => chip.allInnerTexts()).toEqual(['env=prod×']);
    expect((await listed())[0].labels).toEqual({ env: 'prod' });
  });

  it('tells same-named profiles apart, and a merge shows the merged totals', async () => {
    await page.locator('.import-options summary').click();
    const cpus = page.getByTestId('artifact').filter({ hasText: 'cpu.pb.gz' });
    for (const [i, [run, file]] of ([['before', pairProfile('cpu-a')], ['after', pairProfile('cpu-b')]] as const).entries()) {
      await page.getByTestId('import-run').fill(run);
      await page.getByTestId('file-input').setInputFiles({ name: 'cpu.pb.gz', mimeType: 'application/gzip', buffer: readFileSync(file) });
      // Each import lands in the list before the next starts (both say "imported 1 of 1 file").
      await expect.poll(() => cpus.count()).toBe(i + 1);
      await expect.poll(() => page.getByTestId('status').innerText()).toBe('imported 1 of 1 file');
      await expect.poll(() => page.getByTestId('file-input').inputValue()).toBe('');
    }
    await page.getByTestId('import-run').fill('');
    await page.locator('.import-options summary').click();
    const metas = await page.getByTestId('artifact-meta').allInnerTexts();
    expect(metas.filter((m) => m.includes('run after')).length).toBe(1);
    expect(metas.filter((m) => m.includes('run before')).length).toBe(1);
    // The profile view's "compare with…" list names the other one by its run.
    await cpus.filter({ hasText: 'run after' }).click();
    await page.getByTestId('top-table').waitFor();
    const options = await page.getByTestId('compare-with').locator('option').allInnerTexts();
    expect(options.some((o) => o.startsWith('cpu.pb.gz (run before, '))).toBe(true);
    const base = (await listed()).find((a) => a.run === 'before')!;
    await page.getByTestId('compare-with').selectOption(base.id);
    await expect.poll(() => page.getByTestId('diff-legend').innerText()).toMatch(/base cpu\.pb\.gz \(run before, .*new cpu\.pb\.gz \(run after, /s);
    await shot('05-compare-same-names');
    await page.getByTestId('compare-with').selectOption('');

    // Tick both, Merge: the header's facts are the two profiles' together.
    await page.getByTestId('artifact').filter({ hasText: 'cpu.pb.gz' }).evaluateAll((els) => els.length);
    const picks = page.locator('li', { has: page.getByTestId('artifact').filter({ hasText: 'cpu.pb.gz' }) }).getByTestId('pick');
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.getByTestId('merge-picked').click();
    await page.getByTestId('merge-note').waitFor();
    const both = (await listed()).filter((a) => a.file === 'cpu.pb.gz');
    const total = both.reduce((t, a) => t + (a.summary as ProfileSummary).totals['cpu/nanoseconds'], 0);
    const records = both.reduce((t, a) => t + (a.summary as ProfileSummary).sampleCount, 0);
    await expect.poll(() => page.getByTestId('profile-facts').innerText()).toContain('2 profiles merged');
    const facts = await page.getByTestId('profile-facts').innerText();
    expect(facts).toContain(`Total samples = ${formatValue(total, 'nanoseconds')}`);
    expect(facts).toContain(`${records} sample records in all`);
    // …which is the merged view's own total (gpw top --merge).
    const top = await gpwJson<{ total: number }>(library, 'top', both[0].id, '--merge', both[1].id);
    expect(top.total).toBe(total);
    await shot('06-merged-facts');
  });

  it('sorts the library by import time as well as by capture time', async () => {
    await page.getByTestId('sort').selectOption('imported-newest');
    await expect.poll(async () => (await page.getByTestId('artifact').first().innerText()).includes('cpu.pb.gz')).toBe(true);
    const byImport = (await listed()).sort((a, b) => b.importedAt - a.importedAt);
    await expect.poll(() => page.getByTestId('artifact-meta').first().innerText()).toContain(`run ${byImport[0].run}`);
    await page.getByTestId('sort').selectOption('imported-oldest');
    await expect.poll(async () => (await page.getByTestId('artifact').first().innerText()).includes('gc.log')).toBe(true);
    await shot('07-sort-imported');
    await page.getByTestId('sort').selectOption('newest');
  });

  it('profile view: the table is in reach, a row click selects the function, the sandwich tab lists every function', async () => {
    await page.getByTestId('artifact').filter({ hasText: 'run after' }).click();
    await page.getByTestId('top-table').waitFor();
    // The link of the merge above still names this profile: back to it alone.
    if (await page.getByTestId('merge-note').count()) await page.getByTestId('merge-note').getByRole('button', { name: 'show only this profile' }).click();
    await expect.poll(() => page.getByTestId('merge-note').count()).toBe(0);
    // The flame graph sits in a pane of its own height: the table's first rows are on screen.
    const firstRow = (await page.locator('[data-testid=top-table] tbody tr').first().boundingBox())!;
    expect(firstRow.y + firstRow.height).toBeLessThan(900);
    // The sandwich tab without a function: every function of the profile, as gpw top lists them.
    await page.getByTestId('tab-sandwich').click();
    const after = (await listed()).find((a) => a.run === 'after')!;
    const all = await gpwJson<{ rows: { name: string }[] }>(library, 'top', after.id, '--nodecount', '0');
    await expect.poll(() => page.locator('[data-testid=top-table] tbody tr').count()).toBe(all.rows.length);
    await shot('06b-sandwich-list');
    await page.locator('[data-testid=top-table] tbody tr').nth(1).click();
    await expect.poll(() => page.getByTestId('sandwich-function').innerText()).toContain(all.rows[1].name);
    // In the flame graph tab, a click on a row selects that function's frame (not only a search).
    await page.getByTestId('tab-flame').click();
    await page.locator('[data-testid=top-table] tbody tr').filter({ hasText: 'main.spin' }).first().click();
    await expect.poll(() => page.getByTestId('flame-selection').innerText()).toContain('main.spin');
    expect(await page.getByTestId('flame-search').inputValue()).toBe('^main\\.spin$');
    expect(await page.getByTestId('tab-sandwich').innerText()).toBe('Sandwich: main.spin');
    await shot('06c-row-selects');
    // The call tree has a search box: the paths to the matches open, the matching rows are marked.
    await page.getByTestId('tab-tree').click();
    await page.getByTestId('call-tree-search').fill('pdqsortOrdered');
    await expect.poll(() => page.getByTestId('call-tree-matches').innerText()).toMatch(/^[1-9]\d* matching rows?, paths opened$/);
    const hits = page.locator('[data-testid=call-tree-row].hit');
    await expect.poll(() => hits.count()).toBeGreaterThan(0);
    for (const text of await hits.allInnerTexts()) expect(text).toContain('pdqsortOrdered');
    await shot('06d-call-tree-search');
    await page.getByTestId('call-tree-search').fill('');
    await page.getByTestId('tab-flame').click();
    // The flame graph is asked for again on the way back from the tree: hover once it is the tab's own (not shown faded, in flight).
    await expect.poll(() => page.getByTestId('view-pending').count()).toBe(0);
    // Ctrl + wheel (a trackpad pinch) zooms the flame graph a level in toward the pointer, and out again.
    const canvasBox = (await page.getByTestId('flame-canvas').boundingBox())!;
    await page.mouse.move(canvasBox.x + 40, canvasBox.y + 18 * 4 + 8);
    await page.getByTestId('flame-tooltip').waitFor();
    const crumbs = page.getByTestId('crumb');
    const depth0 = await crumbs.count();
    await page.keyboard.down('Control');
    try {
      await page.mouse.wheel(0, -120);
      await expect.poll(() => crumbs.count()).toBe(depth0 + 1);
      await page.mouse.wheel(0, -120);
      await expect.poll(() => crumbs.count()).toBe(depth0 + 2);
      await page.mouse.wheel(0, 120);
      await expect.poll(() => crumbs.count()).toBe(depth0 + 1);
    } finally {
      await page.keyboard.up('Control');
    }
    await page.keyboard.press('Escape');
    // No share reads in exponent form anywhere in the table.
    expect((await page.locator('[data-testid=top-table] tbody').innerText())).not.toMatch(/e-\d\d%/);
  });

  it('the drop overlay hides the whole page, ticks and chips included', async () => {
    const overlaid = async (name: string): Promise<ReturnType<typeof decodePng>> => {
      await page.evaluate(() => window.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: new DataTransfer() })));
      await page.getByTestId('dropzone').waitFor();
      const png = decodePng(await shot(name));
      await page.evaluate(() => window.dispatchEvent(new DragEvent('dragleave', { bubbles: true })));
      await expect.poll(() => page.getByTestId('dropzone').count()).toBe(0);
      return png;
    };
    // The library with a tick and a label chip, then without either: under the overlay, the two look the same.
    await page.getByTestId('pick').first().check();
    const box = (await page.getByTestId('pick').first().boundingBox())!;
    const chipBox = (await page.getByTestId('label-chip').first().boundingBox())!;
    const withThem = await overlaid('08-drop-overlay');
    await page.getByTestId('pick').first().uncheck();
    await page.getByTestId('label-chip').first().getByRole('button').click();
    await expect.poll(() => page.getByTestId('label-chip').count()).toBe(0);
    const without = await overlaid('08-drop-overlay-without');
    await page.getByTestId('undo-label').click();
    await expect.poll(() => page.getByTestId('label-chip').count()).toBe(1);
    let differ = 0;
    for (const b of [box, chipBox]) {
      for (let y = Math.floor(b.y); y < b.y + b.height; y++) {
        for (let x = Math.floor(b.x); x < b.x + b.width; x++) {
          const i = (y * withThem.width + x) * 4;
          if (withThem.rgba[i] !== without.rgba[i] || withThem.rgba[i + 1] !== without.rgba[i + 1] || withThem.rgba[i + 2] !== without.rgba[i + 2]) differ++;
        }
      }
    }
    expect(differ).toBe(0);
  });

  it('a capture updates the header count, lists its trace as a trace, and the settings stay for the next one', async () => {
    await page.getByTestId('collect-button').click();
    await page.getByTestId('target-url').fill(target.url);
    await page.getByTestId('target-name').fill('svc');
    await page.getByTestId('target-save').click();
    await expect.poll(() => page.getByRole('heading', { name: 'svc' }).isVisible()).toBe(true);
    for (const k of ['cpu', 'heap', 'goroutine', 'cmdline']) await page.getByTestId(`kind-${k}`).uncheck();
    await page.getByTestId('kind-trace').check();
    await page.getByTestId('seconds-trace').fill('1');
    await page.getByTestId('kind-threadcreate').check();
    await page.getByTestId('capture-run').fill('day one');
    const before = (await listed()).length;
    expect(await page.locator('header.top').innerText()).toContain(`${before} in library`);
    await page.getByTestId('capture-start').click();
    // A 1 s trace and a profile from a live service: a few seconds quiet, more on a loaded machine.
    await expect.poll(() => page.locator('[data-testid=capture-history] tr[data-status=done]').count(), { timeout: 40_000 }).toBe(1);
    // The header follows without a reload.
    const after = await listed();
    expect(after.length).toBe(before + 2);
    await expect.poll(() => page.locator('header.top').innerText()).toContain(`${after.length} in library`);
    await expect.poll(() => page.getByTestId('history-chip').allInnerTexts()).toEqual(['trace']);
    await shot('09-captured');
    // Back to the library and to Collect again: the last settings are still chosen.
    await page.getByTestId('collect-button').click();
    await page.getByTestId('collect-button').click();
    await page.getByTestId('kind-picker').waitFor();
    expect(await page.getByTestId('kind-trace').isChecked()).toBe(true);
    expect(await page.getByTestId('kind-cpu').isChecked()).toBe(false);
    expect(await page.getByTestId('seconds-trace').inputValue()).toBe('1');
    expect(await page.getByTestId('capture-run').inputValue()).toBe('day one');
    await page.getByTestId('collect-button').click();
  }, 60_000);

  it('the timeline stops zooming out at the whole trace, and its tooltip follows arrow-key scrolls', async () => {
    await page.getByTestId('file-input').setInputFiles(tracePath);
    const canvas = page.getByTestId('trace-timeline-canvas');
    await canvas.waitFor();
    const view = async (): Promise<number[]> => (await page.getByTestId('trace-timeline').getAttribute('data-view'))!.split(',').map(Number);
    await expect.poll(async () => (await view())[0]).toBe(0);
    const [, wholeNsPerPx] = await view();
    await canvas.click({ position: { x: 600, y: 40 } });
    for (let i = 0; i < 6; i++) await page.keyboard.press('s');
    await page.mouse.move(700, 400);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 400);
    await page.waitForTimeout(1_000);
    const [t0, nsPerPx] = await view();
    expect(t0).toBe(0);
    expect(nsPerPx).toBeCloseTo(wholeNsPerPx, 6);
    await shot('10-timeline-zoomed-out');

    // Hover a lane, scroll the lanes with the arrow keys: the tooltip describes the lane now under the pointer.
    await page.mouse.move(700, 420);
    const tip = page.getByTestId('trace-tip');
    await tip.waitFor();
    const first = await tip.innerText();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await view())[3]).toBeGreaterThan(0);
    // The lanes and the tip once they have stopped moving: two reads 200 ms apart that agree (a
    // loaded machine draws few frames, and a fixed pause could read the tip of a lane passed by).
    let last = '';
    await expect
      .poll(async () => {
        const now = JSON.stringify([(await view())[3], await tip.innerText()]);
        const still = now === last;
        last = now;
        return still;
      }, { timeout: STEP_MS, interval: 200 })
      .toBe(true);
    const afterKeys = await tip.innerText();
    // What a fresh hover at the same point says.
    await page.mouse.move(701, 420);
    await page.mouse.move(700, 420);
    await expect.poll(() => tip.innerText()).toBe(afterKeys);
    expect(afterKeys).not.toBe(first);
    await shot('11-timeline-tip-after-keys');

    // Zoomed far in: tick labels in the unit of the time, not a long integer of µs or ns.
    await page.keyboard.press('0');
    await page.mouse.move(900, 300);
    for (let i = 0; i < 30; i++) await page.keyboard.press('w');
    await page.waitForTimeout(1_500);
    await shot('12-timeline-zoomed-in');

    // The goroutine table: human units, short headers, a column choice.
    await page.getByTestId('trace-tab-goroutines').click();
    const cells = await page.locator('[data-testid=trace-goroutines] tbody tr').first().locator('td').allInnerTexts();
    for (const c of cells.slice(2)) expect(c).toMatch(/^(–|\d+(\.\d\d?)?(ns|µs|ms|s))$/);
    const columns = page.getByTestId('trace-goroutine-columns');
    await columns.locator('summary').click();
    const before = await page.locator('[data-testid=trace-goroutines] thead th').count();
    await columns.getByLabel('Sched wait').uncheck();
    await expect.poll(() => page.locator('[data-testid=trace-goroutines] thead th').count()).toBe(before - 1);
    await shot('13-goroutine-table');
    expect(errors).toEqual([]);
  }, 60_000);
});
