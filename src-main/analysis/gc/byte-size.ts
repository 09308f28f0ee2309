// Byte sizes as GOMEMLIMIT writes them: a whole number with an optional unit B, KiB, MiB, GiB,
// TiB (the runtime's suffixes); gpw also takes KB/MB/GB/TB as the same binary units, and decimals.

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 2 ** 10, kb: 2 ** 10, k: 2 ** 10, mib: 2 ** 20, mb: 2 ** 20, m: 2 ** 20, gib: 2 ** 30, gb: 2 ** 30, g: 2 ** 30, tib: 2 ** 40, tb: 2 ** 40, t: 2 ** 40 };

/** Bytes, or a message saying what is wrong. */
export function parseByteSize(text: string): { bytes: number } | { problem: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return { problem: `"${text}" is not a size (examples: 512MiB, 1GiB, 1073741824)` };
  const bytes = Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes)) return { problem: `"${text}" is too large` };
  return { bytes };
}

/** 1.5 GiB, 512 MiB, 900 KiB, 12 B (the unit chosen after rounding: 1,048,575 B is 1.0 MiB, not 1024 KiB). */
export function formatByteSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  const digits = (): string => (i === 0 ? v.toFixed(0) : v.toFixed(Math.abs(v) >= 99.95 ? 0 : 1));
  while (Math.abs(Number(digits())) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${digits()} ${units[i]}`;
}
