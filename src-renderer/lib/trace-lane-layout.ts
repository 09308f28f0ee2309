// The timeline's rows, top to bottom: user tasks (packed into as few rows as overlap allows),
// one lane per P, then goroutine lanes grouped by start function (a header row per group,
// collapsible), filtered by id, start function or label and sorted by id, time blocked or
// start. Rows are columns of typed arrays with their y, so drawing finds the first visible
// row by binary search and touches only the rows on screen.

import type { TraceTimeline } from '../../src-main/api/trace-timeline-types';

export const RowKind = { Task: 0, Proc: 1, Group: 2, Goroutine: 3 } as const;

export const ROW_HEIGHT = { [RowKind.Task]: 14, [RowKind.Proc]: 20, [RowKind.Group]: 20, [RowKind.Goroutine]: 16 } as const;

export type LaneSort = 'id' | 'blocked' | 'start' | 'name';

export interface LaneOptions {
  filter: string;
  sort: LaneSort;
  grouped: boolean;
  /** Start functions whose group is folded. */
  collapsed: ReadonlySet<string>;
}

export interface GoroutineGroupRow {
  name: string;
  goroutines: number[];
  blockedNs: number;
}

export interface LaneRows {
  count: number;
  kind: Uint8Array;
  /** Task row number, P, group index, or goroutine (dense index). */
  ref: Int32Array;
  y: Float64Array;
  height: number;
  groups: GoroutineGroupRow[];
  /** Goroutines shown (after the filter), and in all. */
  shownGoroutines: number;
  totalGoroutines: number;
}

/** Row of each task so that tasks in one row do not overlap (greedy, by begin), and the row count. */
export function packTasks(begin: Float64Array, end: Float64Array): { row: Int32Array; rows: number } {
  const order = Array.from(begin.keys()).sort((a, b) => begin[a] - begin[b] || a - b);
  const rowEnd: number[] = [];
  const row = new Int32Array(begin.length);
  for (const t of order) {
    let r = rowEnd.findIndex((e) => e <= begin[t]);
    if (r < 0) r = rowEnd.push(0) - 1;
    rowEnd[r] = end[t];
    row[t] = r;
  }
  return { row, rows: rowEnd.length };
}

/** Whether goroutine g matches a filter (lower-case): "g12" or "12", part of its start function or label. */
export function goroutineMatches(tl: TraceTimeline, g: number, filter: string): boolean {
  if (!filter) return true;
  const id = String(tl.goroutines.id[g]);
  if (filter === id || filter === `g${id}`) return true;
  const name = tl.strings[tl.goroutines.name[g]].toLowerCase();
  const label = tl.strings[tl.goroutines.label[g]].toLowerCase();
  return name.includes(filter) || label.includes(filter);
}

function compareBy(tl: TraceTimeline, sort: LaneSort): (a: number, b: number) => number {
  const go = tl.goroutines;
  const first = (g: number): number => (go.start[g] < go.start[g + 1] ? go.begin[go.start[g]] : Infinity);
  switch (sort) {
    case 'blocked':
      return (a, b) => go.blockedNs[b] - go.blockedNs[a] || go.id[a] - go.id[b];
    case 'start':
      return (a, b) => first(a) - first(b) || go.id[a] - go.id[b];
    case 'name':
      return (a, b) => tl.strings[go.name[a]].localeCompare(tl.strings[go.name[b]]) || go.id[a] - go.id[b];
    default:
      return (a, b) => go.id[a] - go.id[b];
  }
}

export function layoutLanes(tl: TraceTimeline, taskRows: number, o: LaneOptions): LaneRows {
  const go = tl.goroutines;
  const filter = o.filter.trim().toLowerCase();
  const cmp = compareBy(tl, o.sort);
  const shown: number[] = [];
  for (let g = 0; g < go.id.length; g++) if (go.start[g] < go.start[g + 1] && goroutineMatches(tl, g, filter)) shown.push(g);
  shown.sort(cmp);

  let groups: GoroutineGroupRow[];
  if (o.grouped) {
    const byName = new Map<string, GoroutineGroupRow>();
    for (const g of shown) {
      const name = tl.strings[go.name[g]] || '(no stack)';
      let gr = byName.get(name);
      if (!gr) byName.set(name, (gr = { name, goroutines: [], blockedNs: 0 }));
      gr.goroutines.push(g);
      gr.blockedNs += go.blockedNs[g];
    }
    // Groups keep the order of their first member under the chosen sort, except "blocked", which ranks groups by their total.
    groups = [...byName.values()];
    if (o.sort === 'blocked') groups.sort((a, b) => b.blockedNs - a.blockedNs || a.name.localeCompare(b.name));
  } else groups = [{ name: '', goroutines: shown, blockedNs: 0 }];

  const procCount = tl.procs.start.length - 1;
  const cap = taskRows + procCount + groups.length + shown.length;
  const kind = new Uint8Array(cap);
  const ref = new Int32Array(cap);
  const y = new Float64Array(cap + 1);
  let n = 0;
  let top = 0;
  const add = (k: (typeof RowKind)[keyof typeof RowKind], r: number): void => {
    kind[n] = k;
    ref[n] = r;
    y[n++] = top;
    top += ROW_HEIGHT[k];
  };
  for (let r = 0; r < taskRows; r++) add(RowKind.Task, r);
  for (let p = 0; p < procCount; p++) add(RowKind.Proc, p);
  groups.forEach((gr, i) => {
    if (o.grouped) add(RowKind.Group, i);
    if (!o.grouped || !o.collapsed.has(gr.name)) for (const g of gr.goroutines) add(RowKind.Goroutine, g);
  });
  y[n] = top;
  return { count: n, kind, ref, y, height: top, groups, shownGoroutines: shown.length, totalGoroutines: go.id.length };
}

/** The row at height yPx (rows' own coordinates), or -1. */
export function rowAt(rows: LaneRows, yPx: number): number {
  if (yPx < 0 || yPx >= rows.height) return -1;
  let lo = 0;
  let hi = rows.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows.y[mid + 1] > yPx) hi = mid;
    else lo = mid + 1;
  }
  return lo < rows.count ? lo : -1;
}
