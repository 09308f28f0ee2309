// A sample-type switch on a big-ish profile (tests/go/bigprofile, 120,000 distinct deep stacks,
// four allocs types) in gpw serve + Chromium: at every animation frame while the switch is in
// flight, the numbers on screen are either those of the type the selector names, or the view
// says it is still showing another one (data-testid=view-pending). Whose numbers are on screen
// is told by the top table's caption (its "of N total", one per type, read once each type has
// settled) and by its unit (bytes for *_space, counts for *_objects). The times from file chosen to the flame
// graph drawn and of each switch are printed, never asserted (tests/bench/profile-bench.mjs
// measures them at 1.6M samples).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, openServedSession, type ServedSession } from '../helpers/chromium';
import { makeBigProfile } from '../bench/make-big-profile.mjs';

const STEP_MS = 120_000; // bound on each wait: a loaded machine may be 10× slower
let session: ServedSession | undefined;
let file: string;

interface Frame {
  selected: string;
  pending: boolean;
  caption: string | null;
  firstFlat: string | null;
}

describe.skipIf(!HAVE_CHROMIUM)('sample-type switch on a big profile', () => {
  beforeAll(async () => {
    file = await makeBigProfile(120_000);
    session = await openServedSession('switch', STEP_MS);
  }, 300_000);
  afterAll(async () => session?.close());

  it('never shows one type’s numbers under another type’s name', async () => {
    const { page, errors } = session!;
    await page.getByTestId('import-button').waitFor();
    /** Resolves once the flame graph is drawn and nothing is in flight; ms since `t0`. */
    const settled = async (t0: number): Promise<number> => {
      await page.getByTestId('flame-canvas').first().waitFor();
      await page.waitForFunction(() => !document.querySelector('[data-testid=view-pending]') && !document.body.innerText.includes('loading…'), null, { polling: 10 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      return Date.now() - t0;
    };
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(file);
    const openMs = await settled(t0);
    expect(await page.getByTestId('sample-type').inputValue()).toBe('alloc_space');

    // A recorder of what is on screen at every frame.
    await page.evaluate(() => {
      const w = window as unknown as { switchFrames: Frame[]; recording: boolean };
      w.switchFrames = [];
      w.recording = true;
      const tick = (): void => {
        const select = document.querySelector('[data-testid=sample-type]') as HTMLSelectElement | null;
        const caption = document.querySelector('.top .caption')?.textContent ?? null;
        w.switchFrames.push({
          selected: select?.value ?? '',
          pending: document.querySelector('[data-testid=view-pending]') !== null,
          caption,
          firstFlat: document.querySelector('[data-testid=top-table] tbody tr td')?.textContent?.trim() ?? null,
        });
        if (w.recording) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const caption = (): Promise<string> => page.locator('.top .caption').evaluate((el) => el.textContent ?? '');
    const captionOf: Record<string, string> = { alloc_space: await caption() };
    const switches: Record<string, number> = {};
    for (const type of ['alloc_objects', 'inuse_space', 'inuse_objects', 'alloc_space']) {
      const t = Date.now();
      await page.getByTestId('sample-type').selectOption(type);
      switches[type] = await settled(t);
      const settledCaption = await caption();
      if (captionOf[type]) expect(settledCaption).toBe(captionOf[type]);
      captionOf[type] = settledCaption;
    }
    // Each type's numbers are told apart by their totals.
    expect(new Set(Object.values(captionOf)).size).toBe(4);
    const typeOf = (c: string | null): string | undefined => Object.keys(captionOf).find((t) => captionOf[t] === c);
    const frames = await page.evaluate(() => {
      const w = window as unknown as { switchFrames: Frame[]; recording: boolean };
      w.recording = false;
      return w.switchFrames;
    });
    console.log(`[e2e] 120,000-sample allocs profile: file chosen → flame graph drawn ${openMs} ms; sample-type switches ${Object.entries(switches).map(([t, ms]) => `${t} ${ms} ms`).join(', ')}; ${frames.length} frames recorded`);

    expect(frames.length).toBeGreaterThan(4);
    // Each switch was seen in flight at least once (the selector ahead of the numbers).
    expect(frames.some((f) => typeOf(f.caption) !== undefined && typeOf(f.caption) !== f.selected)).toBe(true);
    for (const f of frames) {
      const shown = typeOf(f.caption);
      // Numbers of another type than the one selected are only ever shown as such.
      if (shown !== undefined && shown !== f.selected) expect(f, JSON.stringify(f)).toMatchObject({ pending: true });
      // The unit is the shown type's: bytes for *_space, counts for *_objects.
      if (shown && f.firstFlat) expect(/B$/.test(f.firstFlat), JSON.stringify(f)).toBe(shown.endsWith('_space'));
    }
    expect(errors).toEqual([]);
  }, 600_000);
});
