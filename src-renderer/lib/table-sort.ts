// Sorting a table by a clicked column header: which column and which way, and the rows in that
// order. Shared by the renderer's sortable tables (components/SortHeader.svelte draws the header).

export interface SortState<K extends string = string> {
  key: K;
  descending: boolean;
}

/**
 * The state after a click on `key`'s header: the same column turns around; another column starts
 * largest first, or A→Z when `firstAscending` (text columns).
 */
export function toggleSort<K extends string>(state: SortState<K>, key: K, firstAscending = false): SortState<K> {
  if (state.key === key) return { key, descending: !state.descending };
  return { key, descending: !firstAscending };
}

/** A copy of `rows` ordered by `value` (numbers, or text by locale), then by `tie`; equal rows keep their order. */
export function sortRows<T>(rows: readonly T[], value: (row: T) => number | string, descending: boolean, tie?: (a: T, b: T) => number): T[] {
  const dir = descending ? -1 : 1;
  return rows
    .map((row, index) => ({ row, index, v: value(row) }))
    .sort((a, b) => dir * compareValues(a.v, b.v) || (tie ? tie(a.row, b.row) : 0) || a.index - b.index)
    .map((e) => e.row);
}

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}
