// End to end in Chromium against `gpw serve`: add a target (a real Go service with
// net/http/pprof on 127.0.0.1), capture a run while its progress bar fills, and open the CPU
// profile it brought back. Screenshots land in tests/.tmp/screenshots-capture/.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Artifact, TopTable } from '../../src-main/api/types';
import { buildPprofServer, startPprofServer } from '../go/pprofserver/harness.mjs';
import { HAVE_CHROMIUM, launchChromium, openServedPage, tableCells } from '../helpers/chromium';
import { repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';

const SHOTS = repoPath('tests/.tmp/screenshots-capture');
const STEP_MS = 15_000;

describe.skipIf(!HAVE_CHROMIUM)('Collect in Chromium via gpw serve', () => {
  let serve: ServeProcess;
  let target: { url: string; stop: () => Promise<void> };
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const lib = tempDir('gpw-e2e-capture-');
  const profileDir = tempDir('gpw-e2e-capture-chromium-');
  const library = join(lib.dir, 'lib.sqlite');

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    target = await startPprofServer(await buildPprofServer());
    serve = await startServe(library);
    context = await launchChromium(profileDir.dir);
    // The page may talk to gpw serve only; the capture itself is made by the main process.
    page = await openServedPage(context, serve.url, errors, STEP_MS);
  }, 90_000);

  afterAll(async () => {
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await serve?.stop(3_000);
    await target?.stop();
    lib.cleanup();
    profileDir.cleanup();
  });

  it('adds a target with labels and a header kept for the session only', async () => {
    await page.getByTestId('collect-button').click();
    await page.getByTestId('target-form').waitFor();
    await expect.poll(() => page.getByText('kept in memory for this session only').isVisible()).toBe(true);
    await page.getByTestId('target-url').fill(target.url);
    await page.getByTestId('target-name').fill('demo-svc');
    await page.getByTestId('target-labels').fill('env=e2e, svc=demo');
    await page.getByTestId('target-headers').fill('Authorization: Bearer e2e-secret-1234');
    await page.screenshot({ path: join(SHOTS, '01-add-target.png') });
    await page.getByTestId('target-save').click();
    await expect.poll(() => page.getByTestId('target-item').count()).toBe(1);
    await expect.poll(() => page.getByRole('heading', { name: 'demo-svc' }).isVisible()).toBe(true);
  });

  it('captures a run with a progress bar that fills over the CPU seconds', async () => {
    await page.getByTestId('seconds-cpu').fill('4');
    await page.getByTestId('kind-metrics').check();
    await page.getByTestId('capture-run').fill('e2e run');
    await page.getByTestId('capture-start').click();
    const bar = page.getByTestId('capture-bar');
    await bar.waitFor();
    // Every value the bar takes, recorded in the page (a loaded machine may sample it too rarely).
    await bar.evaluate((el) => {
      const seen = [Number(el.getAttribute('aria-valuenow'))];
      (window as unknown as { barValues: number[] }).barValues = seen;
      new MutationObserver(() => seen.push(Number(el.getAttribute('aria-valuenow')))).observe(el, { attributes: true, attributeFilter: ['aria-valuenow'] });
    });
    const t0 = Date.now();
    let midShot = false;
    while (Date.now() - t0 < 45_000) {
      const phase = await page.getByTestId('capture-job').getAttribute('data-phase');
      const now = Number(await bar.getAttribute('aria-valuenow'));
      if (!midShot && now >= 30 && now <= 80) {
        await page.screenshot({ path: join(SHOTS, '02-capturing.png') });
        midShot = true;
      }
      if (phase !== 'running') break;
      await page.waitForTimeout(200);
    }
    expect(await page.getByTestId('capture-job').getAttribute('data-phase')).toBe('done');
    const seen = await page.evaluate(() => (window as unknown as { barValues: number[] }).barValues);
    // The bar rose step by step while the 4 s ran (not in one jump).
    const distinct = [...new Set(seen.filter((v) => v > 0 && v < 100))];
    expect(distinct.length).toBeGreaterThan(5);
    // It passed through the middle (the screenshot above is taken if this loop saw it there; a
    // loaded machine's slow round trips may not have, the page's own record always does).
    expect(seen.some((v) => v >= 30 && v <= 80), JSON.stringify(seen)).toBe(true);
    for (let i = 1; i < seen.length; i++) if (seen[i] !== 0) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] === 100 ? 0 : seen[i - 1]);
    const items = await page.getByTestId('capture-item').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-phase')]));
    expect(Object.fromEntries(items)).toEqual({ cpu: 'done', heap: 'done', goroutine: 'done', cmdline: 'done', metrics: 'done' });
    await expect.poll(() => page.locator('[data-testid=capture-history] tr[data-status=done]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, '03-captured.png') });
  }, 90_000);

  it('opens the captured CPU profile, whose numbers are the library’s', async () => {
    await page.getByTestId('open-cpu').click();
    await page.locator('[data-testid=top-table] tbody tr').first().waitFor();
    const { artifacts } = await gpwJson<{ artifacts: Artifact[] }>(library, 'list', '--label', 'env=e2e');
    expect(artifacts.map((a) => a.subtype).sort()).toEqual(['cpu', 'goroutine', 'heap', 'prometheus']);
    expect(artifacts.every((a) => a.run === 'e2e run' && a.labels.svc === 'demo' && a.labels.program === 'pprofserver-default')).toBe(true);
    const cpu = artifacts.find((a) => a.subtype === 'cpu')!;
    const table = await gpwJson<TopTable>(library, 'top', cpu.id);
    const firstRowName = (await tableCells(page, 'top-table'))[0].at(-1)!;
    expect(firstRowName.replace(/\s*\((?:partial-)?inline\)$/, '')).toBe(table.rows[0].name);
    await page.locator('[data-testid=flame-canvas]').waitFor();
    await page.screenshot({ path: join(SHOTS, '04-opened-cpu.png') });
    // The session-only header never reached the SQLite file.
    const files = [library, `${library}-wal`].filter(existsSync).map((f) => readFileSync(f));
    expect(files.some((b) => b.includes('e2e-secret-1234'))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('shows why a capture failed, in the job and in the history', async () => {
    await page.getByTestId('collect-button').click();
    await page.getByTestId('new-target').click();
    await page.getByTestId('target-url').fill(`${target.url}/nothing`);
    await page.getByTestId('target-name').fill('no-pprof');
    await page.getByTestId('target-save').click();
    await expect.poll(() => page.getByRole('heading', { name: 'no-pprof' }).isVisible()).toBe(true);
    for (const k of ['cpu', 'goroutine', 'cmdline', 'metrics']) await page.getByTestId(`kind-${k}`).uncheck();
    await page.getByTestId('capture-start').click();
    const failed = page.locator('[data-testid=capture-history] tr[data-status=failed]');
    await expect.poll(() => failed.count()).toBe(1);
    expect(await failed.textContent()).toContain('heap: ' + `${target.url}/nothing/debug/pprof/heap: 404: no net/http/pprof here; import _ "net/http/pprof"`);
    await page.screenshot({ path: join(SHOTS, '05-failed.png') });
    expect(errors).toEqual([]);
  });
});
