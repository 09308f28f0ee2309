// Flame graph colours: a stable warm hue per Go package, so one package reads as one colour,
// and a lightness per function so stacked frames of one package stay apart.

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Package part of a Go symbol: "net/http.(*conn).serve" → "net/http". */
export function goPackage(name: string): string {
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
