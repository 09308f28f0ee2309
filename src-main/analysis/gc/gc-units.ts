// Constants of the Go runtime's pacer that the model uses (mgcpacer.go, Go 1.18+).

export const MiB = 1 << 20;
export const KiB = 1 << 10;
/** Heap goal floor at GOGC=100 (scaled by GOGC/100): `heapMinimum`. */
export const HEAP_MINIMUM = 4 * MiB;
/** Background mark workers' share of GOMAXPROCS during the mark phase. */
export const BACKGROUND_UTILIZATION = 0.25;
/** The GC never plans for less runway than this once it runs. */
export const MIN_RUNWAY = 64 * KiB;
/** GOGC=off is stored as a negative GOGC. */
export const GOGC_OFF = -1;

/** Go minor version ("1.21" → 21); null when unknown. */
export function goMinor(version: string | null): number | null {
  const m = version ? /(?:go)?1\.(\d+)/.exec(version) : null;
  return m ? Number(m[1]) : null;
}
