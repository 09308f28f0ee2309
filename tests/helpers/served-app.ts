// One e2e suite's app: `gpw serve` on a fresh library and a Chromium page on it, made in the
// suite's first beforeAll and taken down (bounded) in afterAll. Call it inside describe().
// `setup.prepare` fills the library (with the CLI) before gpw serve opens it.
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, openServedPage, type LaunchOptions } from './chromium';
import { tempDir } from './paths';
import { startServe, type ServeProcess } from './serve';

export interface ServedApp {
  /** The library file gpw serve uses (for gpw CLI checks of what the page shows). */
  library: string;
  page: Page;
  serve: ServeProcess;
  /** Page errors and console errors, as openServedPage collects them. */
  errors: string[];
}

export interface ServedAppSetup {
  /** Run on the library's path before gpw serve starts (imports with the CLI, say). */
  prepare?: (library: string) => Promise<void>;
  /** beforeAll's bound (default 120 s). */
  timeoutMs?: number;
}

export function useServedApp(name: string, stepMs: number, launch: LaunchOptions = {}, setup: ServedAppSetup = {}): ServedApp {
  const app = { library: '', errors: [] as string[] } as ServedApp;
  const folders = [tempDir(`gpw-e2e-${name}-`), tempDir(`gpw-e2e-${name}-chromium-`)];
  let browser: BrowserContext | undefined;
  beforeAll(async () => {
    app.library = join(folders[0].dir, 'lib.sqlite');
    await setup.prepare?.(app.library);
    app.serve = await startServe(app.library);
    browser = await launchChromium(folders[1].dir, launch);
    app.page = await openServedPage(browser, app.serve.url, app.errors, stepMs);
  }, setup.timeoutMs ?? 120_000);
  afterAll(async () => {
    const closed = browser ? browser.close().catch(() => undefined) : undefined;
    await Promise.race([closed, new Promise((done) => setTimeout(done, 10_000))]);
    if (app.serve) await app.serve.stop(3_000);
    folders.forEach((f) => f.cleanup());
  });
  return app;
}
