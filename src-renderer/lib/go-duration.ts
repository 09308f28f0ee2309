// Nanoseconds written as Go's time.Duration.String() writes them ("1.234567ms", "2m3.5s"), so
// the goroutine table reads like go tool trace's goroutine page.

/** Digits of a fraction of `scale` (a power of ten), trailing zeros dropped: (1234000, 1e9) → ".001234". */
function fraction(rest: number, scale: number): string {
  if (rest === 0) return '';
  const digits = String(rest).padStart(Math.round(Math.log10(scale)), '0').replace(/0+$/, '');
  return `.${digits}`;
}

export function goDuration(ns: number): string {
  const n = Math.round(ns);
  if (n === 0) return '0s';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a < 1e3) return `${sign}${a}ns`;
  if (a < 1e6) return `${sign}${Math.floor(a / 1e3)}${fraction(a % 1e3, 1e3)}µs`;
  if (a < 1e9) return `${sign}${Math.floor(a / 1e6)}${fraction(a % 1e6, 1e6)}ms`;
  const h = Math.floor(a / 3600e9);
  const m = Math.floor((a % 3600e9) / 60e9);
  const sNs = a % 60e9;
  const s = `${Math.floor(sNs / 1e9)}${fraction(sNs % 1e9, 1e9)}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}
