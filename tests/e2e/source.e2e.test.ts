// End to end, from a hot spot to its cause in Chromium via gpw serve (started with
// --source-path, as a user maps a checkout): a real allocs profile of tests/go/hotspots and the
// compiler's -m=2 escape analysis of the same source imported into one run; in the flame graph
// the arrow keys select main.allocate, "source" opens its annotated source: the hot lines equal
// `gpw source` (itself equal to pprof -list), the make() line carries "escapes to heap" and its
// flow opens on a click; "disassembly" shows its instructions (gpw serve --binary, matched by
// build ID) with the same figures as `gpw disasm`. Screenshots: tests/.tmp/screenshots/source-*.png (looked at).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, openServedPage } from '../helpers/chromium';
import { repoPath, tempDir } from '../helpers/paths';
import { gpwJson } from '../helpers/run';
import { startServe, type ServeProcess } from '../helpers/serve';
import { hotspots } from '../helpers/hotspots';
import { selectFrameByKeys } from '../helpers/flame-select';
import { formatValue } from '../../src-main/analysis/units';
import type { DisasmReport, EscapeReport, SourceListing } from '../../src-main/api/source-types';

const SHOTS = repoPath('tests/.tmp/screenshots');
const STEP_MS = 15_000;

describe.skipIf(!HAVE_CHROMIUM)(`the source view in Chromium${HAVE_CHROMIUM ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let context: BrowserContext | undefined;
  let server: ServeProcess | undefined;
  let page: Page;
  let lib = '';
  let heapId = '';
  let binary = '';
  let escapesId = '';
  const cleanups: (() => void)[] = [];
  const errors: string[] = [];
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `source-${name}.png`), fullPage: false });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = tempDir('gpw-e2e-source-');
    cleanups.push(dir.cleanup);
    lib = join(dir.dir, 'lib.sqlite');
    const p = await hotspots('local');
    const imported = await gpwJson<{ artifacts: { id: string; kind: string }[] }>(lib, 'import', p('heap.pb.gz'), p('escapes-m2.txt'), '--run', 'hotspots');
    heapId = imported.artifacts.find((a) => a.kind === 'profile')!.id;
    escapesId = imported.artifacts.find((a) => a.kind === 'escapes')!.id;
    const chromeDir = tempDir('gpw-e2e-source-chromium-');
    cleanups.push(chromeDir.cleanup);
    server = await startServe(lib, 45_000, ['--source-path', repoPath('tests/go'), '--trim-path', 'gpw/tests', '--binary', p('hotspots')]);
    binary = p('hotspots');
    context = await launchChromium(chromeDir.dir);
    page = await openServedPage(context, `${server.url}&p=${heapId}&sampleType=alloc_space`, errors, STEP_MS);
  }, 900_000);

  afterAll(async () => {
    await context?.close();
    await server?.stop(3_000);
    for (const c of cleanups) c();
  });

  it('flame graph → main.allocate → its source with hot lines and escape notes', async () => {
    // Down the heaviest path from the root until main.allocate is selected (bounded).
    expect(await selectFrameByKeys(page, /main\.allocate\b/)).toMatch(/main\.allocate\b/);
    await shot('1-flame');
    await page.getByTestId('frame-source').click();
    await page.getByTestId('source-view').waitFor();
    // The run's escape analysis: "hot allocations and why", as gpw escapes lists them.
    await page.getByTestId('hot-allocations').waitFor();
    const esc = await gpwJson<EscapeReport>(lib, 'escapes', escapesId, '--profile', heapId, '--sample-index', 'alloc_space');
    const hotUi = await page.getByTestId('hot-allocation').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((c) => (c.textContent ?? '').trim())));
    expect(hotUi.map((r) => [r[0], r[3]])).toEqual(esc.hot.slice(0, 50).map((h) => [formatValue(h.flat, 'bytes'), h.why]));
    expect(hotUi.some((r) => /yet allocated on the heap|escapes to heap/.test(r[3]))).toBe(true);
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain('tab=source');

    const ref = await gpwJson<SourceListing>(lib, 'source', heapId, '--function', '^main\\.allocate$', '--sample-index', 'alloc_space', '--source-path', repoPath('tests/go'), '--trim-path', 'gpw/tests');
    const hotRef = ref.functions[0].lines.filter((l) => l.cum !== 0);
    const hotRows = page.getByTestId('hot-line');
    await expect.poll(() => hotRows.count()).toBe(hotRef.length);
    const cells = await hotRows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((c) => (c.querySelector('pre')?.textContent ?? c.textContent ?? '').trim())));
    expect(cells.map((c) => c.slice(0, 3))).toEqual(hotRef.map((l) => [l.flat === 0 ? '.' : formatValue(l.flat, 'bytes'), formatValue(l.cum, 'bytes'), String(l.line)]));
    expect(cells.map((c) => c[3].split('\n')[0])).toEqual(hotRef.map((l) => (l.text ?? '').trim()));

    const verdict = page.getByTestId('escape-verdict').filter({ hasText: 'make([]byte' }).first();
    expect(await verdict.textContent()).toMatch(/heap: make\(\[\]byte, 512 \+ i % 7 \* 256\) escapes to heap/);
    await verdict.click();
    await page.getByTestId('escape-flow').waitFor();
    expect(await page.getByTestId('escape-flow').textContent()).toMatch(/flow: /);
    await page.getByTestId('hot-allocations').scrollIntoViewIfNeeded();
    await shot('2-hot-allocations');
    await page.getByTestId('escape-flow').scrollIntoViewIfNeeded();
    await shot('2-source-escapes');
    expect(errors).toEqual([]);
  });

  it('→ its disassembly, with the figures of gpw disasm', async () => {
    await page.getByTestId('show-disasm').first().click();
    await page.getByTestId('disasm').waitFor();
    const ref = await gpwJson<DisasmReport>(lib, 'disasm', heapId, '--function', '^main\\.allocate$', '--sample-index', 'alloc_space', '--binary', binary);
    const hotRef = ref.functions[0].instructions.filter((i) => i.cum !== 0);
    expect(hotRef.length).toBeGreaterThan(0);
    const rows = await page.getByTestId('disasm-hot').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((c) => (c.textContent ?? '').trim())));
    expect(rows.map((r) => r.slice(0, 4))).toEqual(hotRef.map((i) => [i.flat === 0 ? '.' : formatValue(i.flat, 'bytes'), formatValue(i.cum, 'bytes'), i.address.toString(16), i.text]));
    await page.getByTestId('disasm').scrollIntoViewIfNeeded();
    await shot('3-disasm');
    expect(errors).toEqual([]);
  });
});
