// Issue 16 in the browser: a 100,000-deep flame graph opens without passing the canvas's size
// limits (at most FLAME_CANVAS_MAX_ROWS rows, and a note that deeper rows are not drawn), and a
// value of 1e21 shows in the table; gpw serve keeps answering.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { FLAME_CANVAS_MAX_ROWS, FLAME_ROW } from '../../src-main/analysis/flame-layout';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, openServedPage } from '../helpers/chromium';
import { repoPath, tempDir } from '../helpers/paths';
import { gpw } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';

const STEP_MS = 15_000;

describe.skipIf(!HAVE_CHROMIUM)(`deep and huge profiles in Chromium via gpw serve${HAVE_CHROMIUM ? '' : ` (skipped: ${CHROMIUM} is absent)`}`, () => {
  const lib = tempDir('gpw-e2e-harden-');
  const profile = tempDir('gpw-e2e-harden-chromium-');
  let server: ServeProcess;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    const library = join(lib.dir, 'lib.sqlite');
    const deep = join(lib.dir, 'deep.folded');
    writeFileSync(deep, `${Array(100_000).fill('main.recurse').join(';')} 1\n`);
    const big = join(lib.dir, 'big.folded');
    writeFileSync(big, 'main;work 1000000000000000000000\nmain;rest 1\n');
    for (const f of [big, deep]) {
      const r = await gpw(library, 'import', f);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    server = await startServe(library);
    context = await launchChromium(profile.dir, { viewport: { width: 1280, height: 900 } });
    page = await openServedPage(context, server.url, errors, STEP_MS);
  }, 120_000);

  afterAll(async () => {
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await server?.stop(3_000);
    lib.cleanup();
    profile.cleanup();
  });

  it('a 100,000-deep recursion: the canvas stops at its row limit and says so', async () => {
    await page.getByTestId('artifact').filter({ hasText: 'deep.folded' }).click();
    const note = page.getByTestId('flame-rows-cut');
    await note.waitFor({ timeout: STEP_MS });
    expect(await note.textContent()).toMatch(/100001 rows deep: the 99201 deepest are not drawn/);
    const css = await page.getByTestId('flame-canvas').evaluate((el) => (el as HTMLCanvasElement).getBoundingClientRect().height);
    expect(css).toBe(FLAME_CANVAS_MAX_ROWS * FLAME_ROW + 4);
    await page.screenshot({ path: repoPath('tests/.tmp/screenshots/harden-deep.png') });
  }, 60_000);

  it('a value of 1e21 in the table', async () => {
    await page.getByTestId('artifact').filter({ hasText: 'big.folded' }).click();
    await expect.poll(() => page.getByTestId('top-table').textContent(), { timeout: STEP_MS }).toContain('1000000000000000000000');
    await page.screenshot({ path: repoPath('tests/.tmp/screenshots/harden-big.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
