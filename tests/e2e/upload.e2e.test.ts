// A perf script of a few MB chosen in gpw serve + Chromium goes to the engine in pieces (never
// read whole by the page: each piece is one slice of the file) and is imported as a stream,
// with a progress bar meanwhile. The file is FlameGraph's vertx capture repeated, made once
// under tests/.tmp/upload. Checked: the progress bar was shown (a MutationObserver records it,
// however fast the import), the page sent more than one piece and no piece of more than the
// chunk size, the stored artifact is the file (its SHA-256), and its folded stacks are the
// file's (gpw export on the library artifact and on the file). A screenshot of the bar is
// saved under tests/.tmp/screenshots-upload when it was caught on screen.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, openServedSession, type ServedSession } from '../helpers/chromium';
import { FIXTURES, repoPath } from '../helpers/paths';
import { gpw, gpwJson } from '../helpers/run';

const STEP_MS = 120_000; // bound on each wait: a loaded machine may be 10× slower
const COPIES = 8; // ~8 MiB: three pieces of 4 MiB
const DIR = repoPath('tests/.tmp/upload');
const SHOTS = repoPath('tests/.tmp/screenshots-upload');

/** FlameGraph's vertx perf script, COPIES times (each record ends with its blank line). */
function bigPerfScript(): string {
  const base = readFileSync(join(FIXTURES, 'perf/flamegraph-tests/perf-vertx-stacks-01.txt'), 'utf8').replace(/\n*$/, '\n\n');
  const file = join(DIR, `vertx-x${COPIES}.perf.txt`);
  const stamp = createHash('sha256').update(base).update(String(COPIES)).digest('hex');
  if (existsSync(file) && existsSync(`${file}.stamp`) && readFileSync(`${file}.stamp`, 'utf8') === stamp) return file;
  mkdirSync(DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, base.repeat(COPIES));
  renameSync(tmp, file);
  writeFileSync(`${file}.stamp`, stamp);
  return file;
}

let session: ServedSession | undefined;
let file: string;

describe.skipIf(!HAVE_CHROMIUM)('big file upload', () => {
  beforeAll(async () => {
    file = bigPerfScript();
    session = await openServedSession('upload', STEP_MS);
  }, 300_000);
  afterAll(async () => session?.close());

  it('sends a perf script as one request body the browser streams (the page reads none of it), with a progress bar, and imports it as a stream', async () => {
    const { page, errors, library } = session!;
    await page.getByTestId('import-button').waitFor();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
    });
    await page.evaluate(() => {
      const w = window as unknown as { progressSeen: string[] };
      w.progressSeen = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=upload-progress]');
        const state = bar?.getAttribute('data-state');
        if (state && w.progressSeen.at(-1) !== state) w.progressSeen.push(state);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      // Count the pieces the page reads from the file (Blob.slice is how it would read): none, the browser sends the file.
      const w2 = window as unknown as { slices: number[] };
      w2.slices = [];
      const slice = Blob.prototype.slice;
      Blob.prototype.slice = function (this: Blob, start?: number, end?: number, type?: string): Blob {
        const piece = slice.call(this, start, end, type);
        w2.slices.push(piece.size);
        return piece;
      };
    });
    await page.getByTestId('file-input').setInputFiles(file);
    const bar = page.getByTestId('upload-progress');
    // Best effort: a fast machine may be done before the bar is caught on screen.
    const caught = await bar.waitFor({ timeout: 5_000 }).then(() => true, () => false);
    if (caught) {
      mkdirSync(SHOTS, { recursive: true });
      await page.locator('header.top').screenshot({ path: join(SHOTS, 'upload-progress.png') }).catch(() => undefined);
    }
    await page.getByTestId('flame-canvas').first().waitFor({ timeout: STEP_MS });
    await bar.waitFor({ state: 'detached', timeout: STEP_MS });

    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen[0]).toBe('receiving');
    expect(seen).toContain('importing');
    const slices = await page.evaluate(() => (window as unknown as { slices: number[] }).slices);
    expect(slices).toEqual([]);
    expect(posts).toEqual(['/api/upload']);

    const { artifacts } = await gpwJson<{ artifacts: { id: string; kind: string; sha256: string; file: string }[] }>(library, 'list');
    expect(artifacts).toHaveLength(1);
    expect(artifacts[0].kind).toBe('perf');
    expect(artifacts[0].file).toBe('vertx-x8.perf.txt');
    expect(artifacts[0].sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    const out = { library: join(DIR, `library.${process.pid}.folded`), file: join(DIR, `file.${process.pid}.folded`) };
    try {
      expect((await gpw(library, 'export', artifacts[0].id, '--format', 'collapsed', '--out', out.library)).code).toBe(0);
      expect((await gpw(library, 'export', file, '--format', 'collapsed', '--out', out.file)).code).toBe(0);
      const folded = readFileSync(out.library, 'utf8');
      expect(folded.length).toBeGreaterThan(1000);
      expect(folded).toBe(readFileSync(out.file, 'utf8'));
    } finally {
      for (const f of Object.values(out)) rmSync(f, { force: true });
    }
    expect(errors).toEqual([]);
  }, 600_000);
});
