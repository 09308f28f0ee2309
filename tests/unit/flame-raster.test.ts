// The flame graph's pixel painter (src-renderer/lib/flame-raster.ts), the colour parser it is fed
// by (colorRgb) and where a frame's outline goes (frameBox): exact pixels for small pictures.
import { describe, expect, it } from 'vitest';
import { FlameRaster, pixelWord } from '../../src-renderer/lib/flame-raster';
import { colorRgb, diffColor, frameColor, MATCH_COLOR, ROOT_COLOR } from '../../src-main/analysis/flame-colors';
import { deepestVisible, forEachVisible, frameBox, layoutFlameGraph, visibleRowCounts, FLAME_MIN_WIDTH } from '../../src-main/analysis/flame-layout';
import type { FlameGraph } from '../../src-main/analysis/flame-graph';

const RED = pixelWord(0xff0000);
const BLUE = pixelWord(0x0000ff);
/** The whole picture, assembled from the bands `paint` hands out. */
function picture(r: FlameRaster): Uint32Array {
  const out = new Uint32Array(r.width * r.height);
  let next = 0;
  r.paint((band, y, lines) => {
    expect(y).toBe(next);
    out.set(band.subarray(0, lines * r.width), y * r.width);
    next = y + lines;
  });
  expect(next).toBe(r.height);
  return out;
}
const rgba = (word: number): [number, number, number, number] => [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24];

describe('pixelWord', () => {
  it('packs RGBA bytes in memory order (little-endian words) and the opacity', () => {
    expect(rgba(pixelWord(0x123456))).toEqual([0x12, 0x34, 0x56, 255]);
    expect(rgba(pixelWord(0xe040fb, 0.35))).toEqual([0xe0, 0x40, 0xfb, 89]);
  });
});

describe('FlameRaster', () => {
  it('paints each row once and copies it down the bar; the gap below stays clear', () => {
    const r = new FlameRaster(4, 3); // rows 4 px apart, bars 3 px tall
    r.start(8, 9, 2, 1);
    r.span(0, 0, 8, RED);
    r.span(1, 2, 5, BLUE);
    const px = picture(r);
    const line = (y: number): number[] => Array.from(px.subarray(y * 8, y * 8 + 8)).map((w) => (w === RED ? 1 : w === BLUE ? 2 : w === 0 ? 0 : 9));
    for (const y of [0, 1, 2]) expect(line(y)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(line(3)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    for (const y of [4, 5, 6]) expect(line(y)).toEqual([0, 0, 2, 2, 2, 0, 0, 0]);
    for (const y of [7, 8]) expect(line(y)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('clears what the last picture left, and scales CSS pixels to device pixels', () => {
    const r = new FlameRaster(4, 3);
    r.start(8, 9, 2, 1);
    r.span(0, 0, 8, RED);
    r.span(1, 0, 8, RED);
    picture(r);
    r.start(8, 9, 1, 2); // one row: device rows 0..5 painted, the rest cleared
    r.span(0, 1, 2, BLUE); // CSS [1, 2) → device [2, 4)
    const px = picture(r);
    for (let y = 0; y < 6; y++) expect(Array.from(px.subarray(y * 8, y * 8 + 8)).map((w) => (w === BLUE ? 2 : w))).toEqual([0, 0, 2, 2, 0, 0, 0, 0]);
    expect(px.subarray(6 * 8).every((w) => w === 0)).toBe(true);
  });

  it('blends partly covered edge pixels by coverage, as the canvas anti-aliases', () => {
    const r = new FlameRaster(2, 1);
    r.start(4, 2, 1, 1);
    r.span(0, 0.5, 2.25, RED); // half of pixel 0, all of pixel 1, a quarter of pixel 2
    const px = picture(r);
    expect(rgba(px[0])).toEqual([255, 0, 0, 128]);
    expect(rgba(px[1])).toEqual([255, 0, 0, 255]);
    expect(rgba(px[2])).toEqual([255, 0, 0, 64]);
    expect(px[3]).toBe(0);
  });

  it('adds up frames thinner than a pixel in one pixel (source-over)', () => {
    const r = new FlameRaster(2, 1);
    r.start(2, 2, 1, 1);
    r.span(0, 0, 0.5, RED);
    r.span(0, 0.5, 1, BLUE);
    const [red, green, blue, alpha] = rgba(picture(r)[0]);
    // Half red under half blue: 3/4 covered (128/255 + 0.5 · 127/255, so 191.5 → 192), a third of it red.
    expect(alpha).toBe(192);
    expect(green).toBe(0);
    expect(red).toBeGreaterThan(70);
    expect(red).toBeLessThan(100);
    expect(blue).toBeGreaterThan(160);
    expect(blue).toBeLessThan(180);
  });

  it('clips spans to the picture and ignores rows below it', () => {
    const r = new FlameRaster(4, 3);
    r.start(4, 4, 3, 1); // only row 0 fits
    r.span(0, -3, 2, RED);
    r.span(0, 3, 10, BLUE);
    r.span(2, 0, 4, BLUE);
    const px = picture(r);
    expect(Array.from(px.subarray(0, 4)).map((w) => (w === RED ? 1 : w === BLUE ? 2 : w))).toEqual([1, 1, 0, 2]);
    expect(px.subarray(12).every((w) => w === 0)).toBe(true);
  });

  it('hands a tall picture out in bands, rows crossing a band edge whole', () => {
    const rows = 40;
    const r = new FlameRaster(18, 17);
    const height = rows * 18 + 4; // 724 device lines: three bands at 256
    r.start(3, height, rows, 1);
    for (let row = 0; row < rows; row++) r.span(row, 0, 3, pixelWord(row + 1));
    const px = picture(r);
    for (let y = 0; y < height; y++) {
      const row = Math.floor(y / 18);
      const want = row < rows && y % 18 < 17 ? pixelWord(row + 1) : 0;
      expect(px[y * 3 + 1], `line ${y}`).toBe(want);
    }
  });
});

describe('colorRgb', () => {
  it('reads the colours flame-colors makes', () => {
    expect(colorRgb('#e040fb')).toBe(0xe040fb);
    expect(colorRgb(MATCH_COLOR)).toBe(0xe040fb);
    expect(colorRgb(ROOT_COLOR)).toBe(0xb0b7c3);
    expect(colorRgb('hsl(0, 100%, 50%)')).toBe(0xff0000);
    expect(colorRgb('hsl(120, 100%, 50%)')).toBe(0x00ff00);
    expect(colorRgb('hsl(240, 100%, 25%)')).toBe(0x000080);
    expect(colorRgb('hsl(0, 0%, 80%)')).toBe(0xcccccc);
    // hsl(30, 50%, 60%): the CSS reference's rgb(204, 153, 102).
    expect(colorRgb('hsl(30, 50%, 60%)')).toBe((204 << 16) | (153 << 8) | 102);
    for (const c of [frameColor('net/http.(*conn).serve'), frameColor('runtime.mallocgc'), diffColor(5, 10), diffColor(-3, 10)]) expect(colorRgb(c)).toBeGreaterThanOrEqual(0);
    expect(colorRgb('rebeccapurple')).toBe(-1);
  });
});

describe('frameBox', () => {
  // root(10) → a(6) → [b(4), c(0.0001)], d(4)
  const graph: FlameGraph = {
    sampleType: 'cpu',
    unit: 'nanoseconds',
    totalValue: 10,
    names: ['root', 'a', 'b', 'c', 'd'],
    nameIndex: Int32Array.from([0, 1, 2, 3, 4]),
    depth: Int32Array.from([0, 1, 2, 2, 1]),
    total: Float64Array.from([10, 6, 4, 0.0001, 4]),
    self: Float64Array.from([0, 2, 4, 0.0001, 4]),
    inlined: new Uint8Array(5),
    delta: null,
    inverted: false,
  };
  const layout = layoutFlameGraph(graph);

  it('is where forEachVisible draws the frame, or null when it is not drawn', () => {
    for (const focus of [0, 1, 2]) {
      const drawn = new Map<number, [number, number, number]>();
      forEachVisible(layout, focus, 100, (node, left, width, row) => drawn.set(node, [left, width, row]));
      for (let node = 0; node < 5; node++) {
        const b = frameBox(layout, focus, 100, node);
        expect(b && [b.left, b.width, b.row], `focus ${focus} node ${node}`).toEqual(drawn.get(node) ?? null);
      }
    }
    expect(frameBox(layout, 0, 100, 3)).toBeNull(); // 0.001 px < FLAME_MIN_WIDTH
    expect(0.0001 * 10).toBeLessThan(FLAME_MIN_WIDTH);
    expect(frameBox(layout, 0, 100, 99)).toBeNull();
    expect(frameBox(layout, 0, 100, -1)).toBeNull();
  });

  it('visits a range of rows as the whole walk has them, and counts the frames per row', () => {
    for (const focus of [0, 1, 2]) {
      const all: number[][] = [];
      forEachVisible(layout, focus, 100, (node, left, width, row) => all.push([node, left, width, row]));
      for (const [from, to] of [[0, 1], [1, 2], [1, 3], [2, 9], [3, 9]]) {
        const part: number[][] = [];
        forEachVisible(layout, focus, 100, (node, left, width, row) => part.push([node, left, width, row]), from, to);
        expect(part, `focus ${focus} rows ${from}-${to}`).toEqual(all.filter((b) => b[3] >= from && b[3] < to));
      }
      const counts = visibleRowCounts(layout, focus, 100);
      expect(Array.from(counts)).toEqual(Array.from({ length: Math.max(...all.map((b) => b[3])) + 1 }, (_, row) => all.filter((b) => b[3] === row).length));
      expect(deepestVisible(layout, focus, 100)).toBe(counts.length - 1);
    }
    expect(Array.from(visibleRowCounts(layout, 0, 100))).toEqual([1, 2, 1]); // c is too thin to draw
  });
});

describe('FlameRaster rows painted alone', () => {
  it('paints rows [from, to) as the whole picture has them, from the first row top to the next row top', () => {
    const rows = 30;
    const paintAll = (r: FlameRaster): void => {
      for (let row = 0; row < rows; row++) {
        r.span(row, 0.25 * row, 7.5 + row, pixelWord(0x10 + row, 0.5 + (row % 3) / 6));
        r.span(row, 3.1, 3.6, RED);
      }
    };
    const whole = new FlameRaster(18, 17);
    whole.start(40, (rows * 18 + 4) * 1.5, rows, 1.5);
    paintAll(whole);
    const all = picture(whole);
    for (const [from, to] of [[0, 5], [7, 19], [28, 30], [12, 13], [29, 40], [31, 40]]) {
      const part = new FlameRaster(18, 17);
      part.start(40, (rows * 18 + 4) * 1.5, rows, 1.5, from, to);
      paintAll(part);
      const top = Math.round(Math.min(from, rows) * 18 * 1.5);
      const bottom = to >= rows ? part.height : Math.round(to * 18 * 1.5);
      expect([part.lineFrom, part.lineTo], `${from}-${to}`).toEqual([from >= rows ? part.height : top, bottom]);
      const got = new Uint32Array(part.width * part.height);
      let next = part.lineFrom;
      part.paint((band, y, lines) => {
        expect(y).toBe(next);
        got.set(band.subarray(0, lines * part.width), y * part.width);
        next = y + lines;
      });
      expect(next).toBe(part.lineTo);
      expect(Array.from(got.subarray(part.lineFrom * 40, part.lineTo * 40)), `${from}-${to}`).toEqual(Array.from(all.subarray(part.lineFrom * 40, part.lineTo * 40)));
    }
  });
});
