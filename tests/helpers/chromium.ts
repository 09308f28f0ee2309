// Debian's Chromium through playwright-core for the e2e tests: one launch with the flags every
// suite uses, and a page onto gpw serve that may reach only that server and collects its errors.
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from './paths';
import { startServe } from './serve';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** Let the page save files (the export buttons); playwright then hands them to `page.waitForEvent('download')`. */
  acceptDownloads?: boolean;
}

export function launchChromium(profileDir: string, { viewport = { width: 1440, height: 900 }, acceptDownloads = false }: LaunchOptions = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * A page on `url` whose requests to any other origin are refused (data: and blob: URLs, which
 * never leave the page, are allowed); page errors and console errors go to `errors`; every wait
 * and navigation is bounded by `stepMs`. `alsoRecord`: console messages of any level that count as errors too.
 */
export async function openServedPage(context: BrowserContext, url: string, errors: string[], stepMs: number, options: { alsoRecord?: RegExp } = {}): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(stepMs);
  page.setDefaultNavigationTimeout(stepMs);
  const origin = new URL(url).origin;
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    return u.origin === origin || u.protocol === 'data:' || u.protocol === 'blob:' ? route.continue() : route.abort();
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || options.alsoRecord?.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return page;
}

/** The trimmed text of every cell of a table's body rows (the table found by its data-testid). */
export function tableCells(page: Page, testid: string): Promise<string[][]> {
  // A cell's text without its buttons (a row's actions, such as "source" or an escape note, are not
  // its content), unless a button is all the cell holds.
  return page.locator(`[data-testid=${testid}] tbody tr`).evaluateAll((trs) =>
    trs.map((tr) =>
      Array.from(tr.querySelectorAll('td')).map((c) => {
        const copy = c.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('button').forEach((b) => b.remove());
        return (copy.textContent ?? '').trim() || (c.textContent ?? '').trim();
      }),
    ),
  );
}

/**
 * One e2e session: a fresh library, `gpw serve` on it, Chromium with a fresh profile and a page
 * onto the server; close() ends them all (bounded) and removes the folders.
 */
export interface ServedSession {
  library: string;
  url: string;
  page: Page;
  errors: string[];
  close: () => Promise<void>;
}

export async function openServedSession(name: string, stepMs: number): Promise<ServedSession> {
  const lib = tempDir(`gpw-e2e-${name}-`);
  const profileDir = tempDir(`gpw-e2e-${name}-chromium-`);
  const library = `${lib.dir}/lib.sqlite`;
  const serve = await startServe(library);
  const context = await launchChromium(profileDir.dir);
  const errors: string[] = [];
  const page = await openServedPage(context, serve.url, errors, stepMs);
  return {
    library,
    url: serve.url,
    page,
    errors,
    close: async () => {
      await Promise.race([context.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
      await serve.stop(3_000);
      lib.cleanup();
      profileDir.cleanup();
    },
  };
}
