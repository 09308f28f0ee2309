// Debian's Chromium through playwright-core for the e2e tests: one launch with the flags every
// suite uses, and a page onto gpw serve that may reach only that server and collects its errors.
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export function launchChromium(profileDir: string, viewport = { width: 1440, height: 900 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page on `url` whose requests to any other origin are refused; page errors and console errors go to `errors`. */
export async function openServedPage(context: BrowserContext, url: string, errors: string[], stepMs: number): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(stepMs);
  const origin = new URL(url).origin;
  await page.route('**/*', (route) => (new URL(route.request().url()).origin === origin ? route.continue() : route.abort()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return page;
}
