// Flame graph colours: a stable warm hue per Go package, so one package reads as one colour.

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

export function frameColor(name: string): string {
  const pkg = goPackage(name);
  const h = hash(pkg);
  if (pkg === 'runtime' || pkg.startsWith('runtime/') || pkg.startsWith('internal/')) {
    return `hsl(${200 + (h % 30)}, 45%, ${62 + (h % 10)}%)`;
  }
  return `hsl(${(h % 50) + 5}, ${70 + (h % 20)}%, ${58 + ((h >> 8) % 14)}%)`;
}
