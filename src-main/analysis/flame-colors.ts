// Flame graph colours: a stable warm hue per Go package, so one package reads as one colour,
// and a lightness per function so stacked frames of one package stay apart; in a comparison,
// red for growth and blue for shrinkage. Shared by the canvas and the SVG/PNG export.

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Package part of a Go symbol: "net/http.(*conn).serve" → "net/http" (a line node's " file:line" ignored). */
export function goPackage(frame: string): string {
  const space = frame.indexOf(' ');
  const name = space > 0 ? frame.slice(0, space) : frame;
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot > 0 ? name.slice(0, dot) : name;
}

const cache = new Map<string, string>();

/** Hue and saturation from the package, lightness varied per function so neighbours differ. */
export function frameColor(name: string): string {
  let color = cache.get(name);
  if (color) return color;
  const pkg = goPackage(name);
  const h = hash(pkg);
  const f = hash(name);
  if (pkg === 'runtime' || pkg.startsWith('runtime/') || pkg.startsWith('internal/')) {
    color = `hsl(${200 + (h % 30)}, 45%, ${60 + (f % 14)}%)`;
  } else {
    color = `hsl(${(h % 50) + 5}, ${68 + (h % 20)}%, ${52 + (f % 20)}%)`;
  }
  cache.set(name, color);
  return color;
}

/** The root frame and frames of search matches. */
export const ROOT_COLOR = '#b0b7c3';
export const MATCH_COLOR = '#e040fb';

/** Diff colours, also named by the legend. */
export const GROWTH_COLOR = 'hsl(0, 80%, 58%)';
export const SHRINK_COLOR = 'hsl(215, 80%, 58%)';
export const UNCHANGED_COLOR = 'hsl(0, 0%, 80%)';

/**
 * A comparison frame's colour from its signed change `delta` (new − base) and its `total`
 * (new + base): red when it grew, blue when it shrank, stronger the larger the change relative
 * to the frame (a frame only in the new profile is full red), grey when about unchanged.
 */
export function diffColor(delta: number, total: number): string {
  const r = total > 0 ? Math.max(-1, Math.min(1, delta / total)) : 0;
  const strength = Math.abs(r);
  if (strength < 0.02) return UNCHANGED_COLOR;
  const light = Math.round(88 - 30 * Math.sqrt(strength));
  const sat = Math.round(45 + 35 * Math.sqrt(strength));
  return r > 0 ? `hsl(0, ${sat}%, ${light}%)` : `hsl(215, ${sat}%, ${light}%)`;
}

/**
 * A colour of this module (`#rrggbb` or `hsl(h, s%, l%)`) as 0xRRGGBB, for drawing into pixels
 * (the canvas writes most frames straight into an image); -1 for any other text.
 */
export function colorRgb(css: string): number {
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) return parseInt(hex[1], 16);
  const hsl = /^hsl\(\s*(-?[\d.]+)\s*,\s*([\d.]+)%\s*,\s*([\d.]+)%\s*\)$/.exec(css);
  if (!hsl) return -1;
  const h = ((Number(hsl[1]) % 360) + 360) % 360;
  const s = Math.min(1, Number(hsl[2]) / 100);
  const l = Math.min(1, Number(hsl[3]) / 100);
  // CSS Color 4's hsl → rgb: each channel from its own phase of the hue.
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return (channel(0) << 16) | (channel(8) << 8) | channel(4);
}

/** The fill of one node of a graph, as the canvas and the SVG draw it. */
export function nodeColor(name: string, node: number, delta: Float64Array | null, total: Float64Array): string {
  if (node === 0) return ROOT_COLOR;
  return delta ? diffColor(delta[node], total[node]) : frameColor(name);
}
