// End to end in Chromium via gpw serve: a real allocs profile of tests/go/hotspots in a run with
// no escape analysis; the Source tab offers the module folder gpw serve was given (--source-path,
// holding a go.mod) and builds it with go build -gcflags=-m=2 into the run; then the top table's
// rows carry the compiler's verdicts ("escapes to heap") for exactly the functions `gpw escapes`
// joins, a row's "source" button opens that function's source, the flame graph's tooltip lists the
// verdicts at a function's allocating lines, and the selection's "why?" opens the source view with
// the compiler's flow at that line. Screenshots: tests/.tmp/screenshots/escape-notes-*.png (looked at).

import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, openServedPage } from '../helpers/chromium';
import { repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';
import { hotspots, hotspotsSource } from '../helpers/hotspots';
import { selectFrameByKeys } from '../helpers/flame-select';
import type { EscapeReport } from '../../src-main/api/source-types';
import type { Artifact } from '../../src-main/api/types';

const SHOTS = repoPath('tests/.tmp/screenshots');
const STEP_MS = 15_000;

describe.skipIf(!HAVE_CHROMIUM)(`escape notes in Chromium${HAVE_CHROMIUM ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let context: BrowserContext | undefined;
  let server: ServeProcess | undefined;
  let page: Page;
  let lib = '';
  let heapId = '';
  const cleanups: (() => void)[] = [];
  const errors: string[] = [];
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `escape-notes-${name}.png`), fullPage: false });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = tempDir('gpw-e2e-escnotes-');
    cleanups.push(dir.cleanup);
    lib = join(dir.dir, 'lib.sqlite');
    const mod = join(dir.dir, 'hotspots');
    cpSync(hotspotsSource, mod, { recursive: true });
    const p = await hotspots('local');
    const imported = await gpwJson<{ artifacts: Artifact[] }>(lib, 'import', p('heap.pb.gz'), '--run', 'hotspots');
    heapId = imported.artifacts[0].id;
    const chromeDir = tempDir('gpw-e2e-escnotes-chromium-');
    cleanups.push(chromeDir.cleanup);
    server = await startServe(lib, 15_000, ['--source-path', repoPath('tests/go'), '--source-path', mod, '--trim-path', 'gpw/tests']);
    context = await launchChromium(chromeDir.dir);
    page = await openServedPage(context, `${server.url}&p=${heapId}&sampleType=alloc_space&tab=source`, errors, STEP_MS);
  }, 900_000);

  afterAll(async () => {
    await context?.close();
    await server?.stop(3_000);
    for (const c of cleanups) c();
  });

  it('the Source tab builds the module folder into the run', async () => {
    const build = page.getByTestId('escape-build');
    await build.waitFor({ timeout: STEP_MS });
    // Only the folder with a go.mod is offered (tests/go itself has none).
    const offered = await page.getByTestId('escape-build-folder').locator('option').allTextContents();
    expect(offered).toEqual([expect.stringMatching(/gpw-e2e-escnotes-.*\/hotspots$/)]);
    await shot('1-build-offer');
    await page.getByTestId('escape-build-run').click();
    await page.getByTestId('hot-allocations').waitFor({ timeout: 120_000 });
    const list = (await gpwJson<{ artifacts: Artifact[] }>(lib, 'list', '--kind', 'escapes')).artifacts;
    expect(list.map((a) => [a.run, a.subtype])).toEqual([['hotspots', 'm2']]);
    expect(list[0].source).toMatch(/^go build -gcflags=\.\/\.\.\.=-m=2 \.\/\.\.\. in .*hotspots$/);
    await shot('2-built');
    expect(errors).toEqual([]);
  });

  it('top table rows say what the compiler said, and open the source', async () => {
    const esc = await gpwJson<EscapeReport>(lib, 'escapes', '--profile', heapId, '--sample-index', 'alloc_space', (await gpwJson<{ artifacts: Artifact[] }>(lib, 'list', '--kind', 'escapes')).artifacts[0].id);
    const withVerdict = new Set(esc.hot.filter((h) => h.sites.length > 0).map((h) => h.function));
    expect(withVerdict.has('main.allocate')).toBe(true);
    await page.getByTestId('tab-flame').click();
    const table = page.getByTestId('top-table');
    await table.waitFor();
    await expect.poll(() => page.getByTestId('top-escape-note').count()).toBeGreaterThan(0);
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const name = tr.querySelector('td.name')!.firstChild?.textContent?.trim() ?? '';
        return { name, note: tr.querySelector('[data-testid="top-escape-note"]')?.textContent?.trim() ?? null };
      }),
    );
    for (const r of rows) expect(r.note !== null, r.name).toBe(withVerdict.has(r.name));
    const n = esc.hot.filter((h) => h.function === 'main.allocate' && h.sites.length > 0).length;
    expect(rows.find((r) => r.name === 'main.allocate')!.note).toBe(`escapes to heap${n > 1 ? ` +${n - 1}` : ''}`);
    await page.getByTestId('top-escape-note').first().scrollIntoViewIfNeeded();
    await shot('3-top-notes');
    // A row's "source" button opens that function's source.
    const row = table.locator('tbody tr').filter({ hasText: 'main.allocate' }).first();
    await row.hover();
    await row.getByTestId('top-source').click();
    await page.getByTestId('source-view').waitFor();
    expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(/tab=source.*fn=main\.allocate|fn=main\.allocate.*tab=source/);
    expect(await page.getByTestId('source-view').textContent()).toContain('main.allocate');
    expect(errors).toEqual([]);
  });

  it('the flame graph tooltip lists the verdicts; "why?" opens the flow', async () => {
    await page.getByTestId('tab-flame').click();
    expect(await selectFrameByKeys(page, /main\.allocate\b/)).toMatch(/main\.allocate\b/);
    // Hover the selected frame: find it on the canvas by scanning its row for the tooltip's name.
    const canvas = page.getByTestId('flame-canvas');
    const box = (await canvas.boundingBox())!;
    let found = false;
    for (let y = 8; y < Math.min(box.height, 400) && !found; y += 18) {
      for (let x = 20; x < box.width && !found; x += 60) {
        await page.mouse.move(box.x + x, box.y + y);
        const tip = page.getByTestId('flame-tooltip');
        if ((await tip.count()) > 0 && /^main\.allocate\b/.test((await tip.locator('.tip-name').textContent()) ?? '')) found = true;
      }
    }
    expect(found).toBe(true);
    const lines = await page.getByTestId('flame-tooltip-escape').allTextContents();
    expect(lines.some((l) => /^line \d+: make\(\[\]byte, .*\) escapes to heap/.test(l))).toBe(true);
    await shot('4-tooltip');
    // "why?" opens the source at the hottest allocating line, its flow shown.
    await page.getByTestId('flame-escape-note').click();
    await page.getByTestId('source-view').waitFor();
    await page.getByTestId('escape-flow').waitFor();
    const hottest = /^line (\d+): /.exec(lines[0])![1];
    expect(await page.locator('tr.picked td.ln').textContent()).toBe(hottest);
    expect(await page.getByTestId('escape-flow').textContent()).toMatch(/flow: \{heap\}/);
    await page.getByTestId('escape-flow').scrollIntoViewIfNeeded();
    await shot('5-flow');
    expect(errors).toEqual([]);
  });
});
