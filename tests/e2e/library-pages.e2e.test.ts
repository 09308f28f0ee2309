// The library list a page at a time (issue 15): a library of 350 entries written by another
// process while the app is open; the page shows its count at once, fetches the rows it scrolls
// to (down to the oldest), and a filter shows the same entries as the library lists.
import { readFileSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { Library, type NewArtifact } from '../../src-main/library/library';
import { sha256Hex } from '../../src-main/library/blobs';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { summarizeProfile } from '../../src-main/analysis/profile-summary';
import { HAVE_CHROMIUM } from '../helpers/chromium';
import { repoPath } from '../helpers/paths';
import { useServedApp } from '../helpers/served-app';

const N = 350;

describe.skipIf(!HAVE_CHROMIUM)('the library list in pages', () => {
  const app = useServedApp('library-pages', 20_000);
  let page: Page;
  const rows = (): Promise<number> => page.getByTestId('artifact-list').getAttribute('data-rows').then(Number);

  beforeAll(async () => {
    page = app.page;
    await page.getByTestId('library-empty').waitFor();
    const bytes = readFileSync(repoPath('resources/demo/demo-cpu.pb.gz'));
    const summary = summarizeProfile(decodePprof(bytes));
    const lib = new Library(app.library);
    try {
      const items: NewArtifact[] = Array.from({ length: N }, (_, i) => ({
        kind: 'profile', subtype: 'cpu', bytes, sha256: sha256Hex(bytes), file: `cpu-${String(i).padStart(3, '0')}.pb.gz`, source: `http://svc-${i % 7}:6060/debug/pprof/profile`,
        capturedAt: Date.UTC(2026, 0, 1) + i * 60_000, durationNs: summary.durationNs || null, goVersion: null, labels: { svc: `svc-${i % 7}` }, summary,
      }));
      lib.addArtifacts(items, 'many');
    } finally {
      lib.close();
    }
    await page.reload();
  }, 60_000);

  it('shows the count at once and fetches the rows it scrolls to, down to the oldest', async () => {
    await expect.poll(rows).toBe(N);
    await expect.poll(() => page.getByTestId('artifact').first().innerText()).toContain(`cpu-${N - 1}.pb.gz`);
    // Only a few rows are in the page, though all N are counted.
    expect(await page.getByTestId('artifact').count()).toBeLessThan(100);
    await expect.poll(async () => {
      await page.getByTestId('artifact-list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
      return page.getByTestId('artifact').filter({ hasText: 'cpu-000.pb.gz' }).count();
    }, { timeout: 20_000 }).toBe(1);
  });

  it('a filter lists what the library lists for it, in its order', async () => {
    await page.getByTestId('filter-text').fill('svc-3');
    const lib = new Library(app.library, { readonly: true });
    const expected = lib.list({ text: 'svc-3' });
    lib.close();
    await expect.poll(rows).toBe(expected.length);
    await page.getByTestId('artifact-list').evaluate((el) => el.scrollTo(0, 0));
    await expect.poll(() => page.getByTestId('artifact').first().innerText()).toContain(expected[0].file!);
    await page.getByTestId('filter-text').fill('');
    await expect.poll(rows).toBe(N);
  });
});
