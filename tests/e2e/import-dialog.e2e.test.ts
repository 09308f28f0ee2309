// "Import files…" asks the engine which way files are chosen (LibraryInfo.importDialog):
//  - gpw serve has no native dialog: the button opens the page's file picker, within the click
//    itself (a browser opens a picker only in a user activation: no await before it), and the
//    file chosen there is imported;
//  - an engine given chooseImportFiles (as the Electron app's main process gives it its native
//    dialog; here a function answering a fixture's path, served by gpw serve's own server): the
//    page opens no picker, the engine imports the chosen file from its path and the page opens it.

import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../../src-main/api/types';
import { Engine } from '../../src-main/engine';
import { startServer, type RunningServer } from '../../src-main/server/serve';
import { HAVE_CHROMIUM, launchChromium, openServedPage, openServedSession, type ServedSession } from '../helpers/chromium';
import { FIXTURES, repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';

const STEP_MS = 120_000; // bound on each wait: a loaded machine may be 10× slower
const PROFILE = join(FIXTURES, 'pprof/speedscope-simple.prof');

/** Records, in the page, each input's click() and whether it came inside a click event's dispatch. */
const recordPickerClicks = (): void => {
  const w = window as unknown as { pickerClicks: { type: string; inClick: boolean }[] };
  w.pickerClicks = [];
  const click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function (this: HTMLInputElement): void {
    w.pickerClicks.push({ type: this.type, inClick: window.event?.type === 'click' });
    click.call(this);
  };
};

describe.skipIf(!HAVE_CHROMIUM)('Import files… under gpw serve (no native dialog)', () => {
  let session: ServedSession | undefined;
  beforeAll(async () => {
    session = await openServedSession('import-picker', STEP_MS);
  }, 300_000);
  afterAll(async () => session?.close());

  it('opens the page’s file picker within the click, and imports the file chosen there', async () => {
    const { page, errors, library } = session!;
    // The engine's answer has come (the header counts the library), so the page decides by it.
    await page.getByText('0 in library').waitFor();
    await page.evaluate(recordPickerClicks);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-button').click()]);
    expect(await page.evaluate(() => (window as unknown as { pickerClicks: unknown[] }).pickerClicks)).toEqual([{ type: 'file', inClick: true }]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(PROFILE);
    await page.getByTestId('flame-canvas').first().waitFor();
    const { artifacts } = await gpwJson<{ artifacts: Artifact[] }>(library, 'list');
    expect(artifacts.map((a) => [a.file, a.source])).toEqual([['speedscope-simple.prof', 'upload:speedscope-simple.prof']]);
    expect(errors).toEqual([]);
  }, 300_000);
});

describe.skipIf(!HAVE_CHROMIUM)('Import files… with the engine’s native dialog', () => {
  const lib = tempDir('gpw-e2e-import-dialog-');
  const profileDir = tempDir('gpw-e2e-import-dialog-chromium-');
  let engine: Engine | undefined;
  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let asked = 0;
  beforeAll(async () => {
    engine = new Engine({
      libraryPath: join(lib.dir, 'lib.sqlite'),
      workerPath: repoPath('out/main/profile-worker.js'),
      warmUp: true,
      chooseImportFiles: async () => {
        asked++;
        return [PROFILE];
      },
    });
    server = await startServer({ api: engine, rendererDir: repoPath('out/renderer') });
    context = await launchChromium(profileDir.dir);
  }, 300_000);
  afterAll(async () => {
    await Promise.race([context?.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    await server?.close();
    await engine?.close();
    lib.cleanup();
    profileDir.cleanup();
  });

  it('imports the dialog’s file from its path and opens it, with no picker', async () => {
    const errors: string[] = [];
    const page = await openServedPage(context!, server!.url, errors, STEP_MS);
    await page.getByText('0 in library').waitFor();
    await page.evaluate(recordPickerClicks);
    // A picker opened instead fails the test at once (nothing would be chosen in it).
    const picker = page.waitForEvent('filechooser').then(() => Promise.reject(new Error('the page opened its file picker')));
    picker.catch(() => undefined);
    await page.getByTestId('import-button').click();
    await Promise.race([page.getByTestId('flame-canvas').first().waitFor(), picker]);
    expect(asked).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { pickerClicks: unknown[] }).pickerClicks)).toEqual([]);
    const artifacts = await engine!.listArtifacts({});
    expect(artifacts.map((a) => [a.file, a.source])).toEqual([['speedscope-simple.prof', PROFILE]]);
    expect(errors).toEqual([]);
  }, 300_000);
});
