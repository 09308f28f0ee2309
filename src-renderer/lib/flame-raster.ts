// Flame graph frames painted straight into a pixel buffer, for a canvas that draws a few hundred
// thousand of them in a frame's time: a few putImageData calls instead of a fillRect and a
// fillStyle per frame. Frames of one row never overlap, so each row is painted on one device
// line only (rows × width pixels in all), then handed out in bands of FLAME_RASTER_BAND lines
// with each row's line copied down its height (a memcpy per line): memory stays a few MB
// however tall the graph, not another copy of the canvas. A picture may paint some of its rows
// alone (those on screen), leaving the canvas's other lines as they are. Left and right
// edges keep their fractional coverage, blended as the canvas's anti-aliasing would (a frame
// thinner than a device pixel is a faint column, several in one pixel add up); tops and
// bottoms fall on device pixels. Pixels are RGBA bytes, not premultiplied, as ImageData
// holds them, read as little-endian 32-bit words (every browser gpw runs in). No DOM here:
// the component wraps the band in an ImageData.

/** A colour (0xRRGGBB) and an opacity (0..1) as one pixel word of this buffer. */
export function pixelWord(rgb: number, alpha = 1): number {
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255);
  return ((a << 24) | ((rgb & 0xff) << 16) | (rgb & 0xff00) | ((rgb >> 16) & 0xff)) >>> 0;
}

/** Device lines per band: the picture goes out a band at a time, so memory stays small. */
export const FLAME_RASTER_BAND = 256;

export class FlameRaster {
  /** Device pixels. */
  width = 0;
  height = 0;
  /** Each painted row's first device line, painted by `span`. */
  private lines = new Uint32Array(0);
  /** The band handed to `paint`'s callback: FLAME_RASTER_BAND lines of `width`. */
  band = new Uint32Array(0);
  private rowTop = new Int32Array(0);
  private rowBottom = new Int32Array(0);
  private rows = 0;
  private scale = 1;
  /** The rows painted, [first, end), and their device lines, [lineFrom, lineTo). */
  private first = 0;
  private end = 0;
  lineFrom = 0;
  lineTo = 0;

  /**
   * @param rowPx a row's pitch in CSS pixels
   * @param barPx the painted height of a frame within it (the rest is the gap below)
   */
  constructor(
    readonly rowPx: number,
    readonly barPx: number,
  ) {}

  /**
   * Starts a picture of `rows` rows, `width` × `height` device pixels at `scale` device pixels
   * per CSS pixel, of which rows [fromRow, toRow) are painted: device lines from the first's top
   * to the next row's top (to the bottom of the picture after the last row). Buffers are reused
   * while they are large enough.
   */
  start(width: number, height: number, rows: number, scale: number, fromRow = 0, toRow = rows): void {
    width = Math.max(0, Math.floor(width));
    height = Math.max(0, Math.floor(height));
    if (width !== this.width) this.band = new Uint32Array(width * FLAME_RASTER_BAND);
    this.width = width;
    this.height = height;
    this.scale = scale;
    if (this.rowTop.length < rows) {
      this.rowTop = new Int32Array(rows);
      this.rowBottom = new Int32Array(rows);
    }
    let n = 0;
    for (; n < rows; n++) {
      const top = Math.round(n * this.rowPx * scale);
      if (top >= height) break;
      this.rowTop[n] = top;
      this.rowBottom[n] = Math.min(height, Math.max(top + 1, Math.round((n * this.rowPx + this.barPx) * scale)));
    }
    this.rows = n;
    this.first = Math.max(0, Math.min(fromRow, n));
    this.end = Math.max(this.first, Math.min(toRow, n));
    this.lineFrom = this.first < n ? this.rowTop[this.first] : height;
    this.lineTo = this.end < n ? this.rowTop[this.end] : height;
    const painted = (this.end - this.first) * width;
    if (this.lines.length < painted) this.lines = new Uint32Array(painted);
    this.lines.fill(0, 0, painted);
  }

  /**
   * Paints [left, right) (CSS pixels) of row `row` in `word` (pixelWord). Fully covered pixels
   * are written; a partly covered edge pixel is blended over what the row has there.
   */
  span(row: number, left: number, right: number, word: number): void {
    if (row < this.first || row >= this.end) return;
    const w = this.width;
    const x0 = Math.max(0, left * this.scale);
    const x1 = Math.min(w, right * this.scale);
    if (!(x1 > x0)) return;
    const base = (row - this.first) * w;
    let i0 = Math.floor(x0);
    const i1 = Math.floor(x1);
    if (i0 === i1) {
      this.blend(base + i0, word, x1 - x0);
      return;
    }
    if (x0 > i0) {
      this.blend(base + i0, word, i0 + 1 - x0);
      i0++;
    }
    if (i1 > i0) this.lines.fill(word, base + i0, base + i1);
    if (x1 > i1) this.blend(base + i1, word, x1 - i1);
  }

  /**
   * The finished picture, a band at a time from the top of the painted rows: `put(band, y,
   * lines)` gets `lines` device lines (of `width` pixels) for lines y.. of the picture, in `band`
   * (reused: copy or draw it before returning). Each row's line is copied down its bar; gaps
   * are clear.
   */
  paint(put: (band: Uint32Array, y: number, lines: number) => void): void {
    const { band, width: w, lines, first, end, lineTo } = this;
    let r = first;
    for (let y0 = this.lineFrom; y0 < lineTo; y0 += FLAME_RASTER_BAND) {
      const n = Math.min(FLAME_RASTER_BAND, lineTo - y0);
      for (let k = 0; k < n; k++) {
        const y = y0 + k;
        while (r < end && this.rowBottom[r] <= y) r++;
        if (r < end && this.rowTop[r] <= y) band.set(lines.subarray((r - first) * w, (r - first) * w + w), k * w);
        else band.fill(0, k * w, k * w + w);
      }
      put(band, y0, n);
    }
  }

  /** Source-over of `word` at `coverage` (0..1) onto pixel `i` of the row lines. */
  private blend(i: number, word: number, coverage: number): void {
    const sa = ((word >>> 24) / 255) * coverage;
    if (sa <= 0) return;
    const d = this.lines[i];
    const da = (d >>> 24) / 255;
    if (da === 0) {
      this.lines[i] = ((Math.round(sa * 255) << 24) | (word & 0xffffff)) >>> 0;
      return;
    }
    const keep = da * (1 - sa);
    const oa = sa + keep;
    const r = Math.round(((word & 0xff) * sa + (d & 0xff) * keep) / oa);
    const g = Math.round((((word >>> 8) & 0xff) * sa + ((d >>> 8) & 0xff) * keep) / oa);
    const b = Math.round((((word >>> 16) & 0xff) * sa + ((d >>> 16) & 0xff) * keep) / oa);
    this.lines[i] = ((Math.round(oa * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
  }
}
