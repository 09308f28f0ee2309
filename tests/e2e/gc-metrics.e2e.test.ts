// The GC what-if page says what its prediction rests on when the GC log's run also holds
// runtime/metrics snapshots: a real run of tests/go/gcload-shapes (the corpus set 'snapshots-test':
// its gctrace log and the runtime/metrics dump it wrote, imported into one run with the CLI),
// opened through `gpw serve` in Chromium. Screenshot: tests/.tmp/screenshots/gc-metrics-1.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCorpus } from '../go/gcload-corpus.mjs';
import { repoPath } from '../helpers/paths';
import { gpw } from '../helpers/run';
import { HAVE_CHROMIUM } from '../helpers/chromium';
import { useServedApp } from '../helpers/served-app';

const SHOTS = repoPath('tests/.tmp/screenshots');
const STEP_MS = 15_000;

describe.skipIf(!HAVE_CHROMIUM)('the GC what-if with runtime/metrics snapshots in Chromium', () => {
  const app = useServedApp('gcmetrics', STEP_MS, { viewport: { width: 1440, height: 1000 } }, {
    timeoutMs: 300_000,
    prepare: async (library) => {
      mkdirSync(SHOTS, { recursive: true });
      const { dir } = await ensureCorpus('snapshots-test');
      const runDir = join(dir, 'default-p2');
      const r = await gpw(library, 'import', join(runDir, 'steady-base.log'), join(runDir, 'steady-base.metrics.jsonl'), '--run', 'steady-1');
      if (r.code !== 0) throw new Error(`gpw import failed: ${r.stderr}`);
    },
  });

  it('names the snapshots and what they gave, and a typed GOGC replays on them', async () => {
    const { page, errors } = app;
    await page.getByTestId('artifact').filter({ hasText: 'steady-base.log' }).click();
    await page.getByTestId('gc-view').waitFor();
    await page.getByTestId('gc-figures').waitFor();
    await expect.poll(() => page.getByTestId('gc-basis-metrics').innerText().catch(() => ''), { timeout: STEP_MS }).toMatch(/^\d+ runtime\/metrics snapshots?$/);
    expect(await page.getByTestId('gc-basis').innerText()).toMatch(/recorded at GOGC=100 \(from its runtime\/metrics\)/);
    expect(await page.getByTestId('gc-metrics-basis').innerText()).toMatch(/from the run's \d+ runtime\/metrics snapshots? \(runtime\/metrics dump\): the settings \(GOGC=100\), non-heap memory/);
    await page.getByTestId('gogc-input').fill('50');
    await expect.poll(() => page.getByTestId('gc-estimator').isVisible().catch(() => false), { timeout: STEP_MS }).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'gc-metrics-1.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
