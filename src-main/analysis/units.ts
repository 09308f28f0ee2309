// Formats sample values in their unit the way pprof prints them (ms/s, kB/MB, plain counts).

const TIME_STEPS: [number, string][] = [
  [3600e9, 'hrs'],
  [60e9, 'mins'],
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'us'],
  [1, 'ns'],
];
const BYTE_STEPS: [number, string][] = [
  [2 ** 50, 'PB'],
  [2 ** 40, 'TB'],
  [2 ** 30, 'GB'],
  [2 ** 20, 'MB'],
  [2 ** 10, 'kB'],
  [1, 'B'],
];

function trimmed(v: number): string {
  return v.toFixed(2).replace(/\.00$/, '');
}

export function formatValue(value: number, unit: string): string {
  const abs = Math.abs(value);
  const steps = unit === 'nanoseconds' ? TIME_STEPS : unit === 'bytes' ? BYTE_STEPS : null;
  if (!steps) return trimmed(value);
  if (value === 0) return unit === 'bytes' ? '0B' : '0';
  for (const [scale, suffix] of steps) {
    if (abs >= scale) return trimmed(value / scale) + suffix;
  }
  return trimmed(value) + (unit === 'bytes' ? 'B' : 'ns');
}

export function formatPercent(part: number, total: number): string {
  if (total === 0) return '0%';
  return `${((part / total) * 100).toFixed(2)}%`;
}
