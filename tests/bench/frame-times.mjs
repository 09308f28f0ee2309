// Frame times in a Chromium page for the frame-time benchmarks (timeline-fps.mjs,
// flame-fps-bench.mjs): every requestAnimationFrame interval while an action runs, and the draw
// times a canvas view writes on its element (data-draw-ms; data-drawn, how many things it drew).

/**
 * Frame intervals (ms) while `act` runs, and each new draw's time and count read from the
 * element `drawSelector` finds (the same draw time twice in a row is missed: rare).
 * @returns {Promise<{frames: number[], draws: number[], drawn: number[]}>}
 */
export async function recordFrames(page, drawSelector, act) {
  await page.evaluate((selector) => {
    const w = window;
    const run = (w.__run = (w.__run ?? 0) + 1);
    w.__frames = [];
    w.__draws = [];
    w.__drawn = [];
    let last = performance.now();
    // The draw before the recording is not one of its draws.
    let lastDraw = document.querySelector(selector)?.dataset.drawMs ?? '';
    const loop = (t) => {
      if (w.__run !== run) return;
      w.__frames.push(t - last);
      last = t;
      const el = document.querySelector(selector);
      const d = el?.dataset.drawMs ?? '';
      if (d !== lastDraw) {
        w.__draws.push(Number(d));
        w.__drawn.push(Number(el?.dataset.drawn ?? 0));
      }
      lastDraw = d;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }, drawSelector);
  await act();
  return page.evaluate(() => {
    window.__run++;
    return { frames: window.__frames.slice(2), draws: window.__draws, drawn: window.__drawn };
  });
}

/** The p-quantile (0..1) of `xs` (NaN when empty). */
export function quantile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
}
