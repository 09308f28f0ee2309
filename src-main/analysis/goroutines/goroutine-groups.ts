// Goroutines of a dump grouped by identical stack, state and wait bucket ("chan receive, 5–10
// minutes"), filtered by state, wait and function, and two dumps compared group by group: the
// leak view (which groups grew, which are new, which waited longer). Pure.

import type { DumpFrame, DumpGoroutine, GoroutineDump } from '../../formats/goroutine-dump/dump-types.js';

/** Wait buckets in minutes: [0,1) is "under a minute" (the runtime prints no minutes then). */
export const WAIT_BOUNDS = [0, 1, 5, 10, 30, 60, 120, 240, 480, 1440] as const;

export interface DumpGroup {
  /** Identifies the group within its dump: state, bucket and stack. */
  key: string;
  /** The wait reason or status; "" in a debug=1 profile (it has none). */
  state: string;
  /** The wait bucket [lo, hi) in minutes; hi null for the last, open bucket. */
  waitMinutes: [number, number | null];
  count: number;
  /** Function names, leaf first. */
  stack: string[];
  /** "file:line" of each frame, parallel to stack. */
  locations: string[];
  createdBy: string | null;
  createdByLocation: string | null;
  /** Goroutine ids (debug=2), ascending, at most MAX_IDS. */
  ids: number[];
  leaked: number;
  lockedToThread: number;
  elided: boolean;
  /** Longest wait of a member, in minutes. */
  maxWaitMinutes: number;
}

export interface GoroutineFilter {
  /** The state, or a part of it ("chan", "select"), case-insensitive. */
  state?: string;
  /** Members waiting at least this many minutes (the runtime's whole minutes). */
  minWaitMinutes?: number;
  /** A part of a function name, file name or the creator, case-insensitive. */
  func?: string;
}

export interface GoroutineGroups {
  format: GoroutineDump['format'];
  profile: string;
  /** Goroutines in the dump. */
  total: number;
  /** Goroutines in the groups shown (after filters). */
  shown: number;
  groups: DumpGroup[];
  /** Goroutines per state, over the whole dump. */
  states: { state: string; count: number }[];
  warnings: string[];
  cutAt: GoroutineDump['cutAt'];
}

export interface GoroutineDiffRow {
  state: string;
  stack: string[];
  locations: string[];
  createdBy: string | null;
  before: number;
  after: number;
  /** after − before. */
  growth: number;
  /** Only in the second dump. */
  isNew: boolean;
  maxWaitBefore: number | null;
  maxWaitAfter: number | null;
}

const MAX_IDS = 1000;

export function waitBucket(minutes: number): [number, number | null] {
  let i = WAIT_BOUNDS.length - 1;
  while (i > 0 && minutes < WAIT_BOUNDS[i]) i--;
  return [WAIT_BOUNDS[i], i + 1 < WAIT_BOUNDS.length ? WAIT_BOUNDS[i + 1] : null];
}

const loc = (f: DumpFrame): string => `${f.file}:${f.line}`;

/**
 * Stack keys by frame content (function, file, line), fast for dumps whose frames are shared
 * objects (the debug=2 reader gives one object per place): each object is numbered once.
 */
class StackKeys {
  private readonly byObject = new Map<DumpFrame, number>();
  private readonly byContent = new Map<string, number>();

  key(g: DumpGoroutine): string {
    let k = '';
    for (const f of g.frames) k += `${this.id(f)},`;
    return k;
  }

  private id(f: DumpFrame): number {
    let id = this.byObject.get(f);
    if (id === undefined) {
      const content = `${f.func} ${f.file}:${f.line}`;
      id = this.byContent.get(content);
      if (id === undefined) {
        id = this.byContent.size;
        this.byContent.set(content, id);
      }
      this.byObject.set(f, id);
    }
    return id;
  }
}

export function matchesFilter(g: DumpGoroutine, f: GoroutineFilter): boolean {
  if (f.state && !(g.state ?? '').toLowerCase().includes(f.state.toLowerCase())) return false;
  if (f.minWaitMinutes !== undefined && f.minWaitMinutes > 0 && g.waitMinutes < f.minWaitMinutes) return false;
  if (f.func) {
    const needle = f.func.toLowerCase();
    const hit = (fr: DumpFrame | null): boolean => !!fr && (fr.func.toLowerCase().includes(needle) || fr.file.toLowerCase().includes(needle));
    if (!g.frames.some(hit) && !hit(g.createdBy)) return false;
  }
  return true;
}

/** Groups by state, wait bucket and stack, largest first. */
export function groupGoroutines(dump: GoroutineDump, filter: GoroutineFilter = {}): GoroutineGroups {
  const groups = new Map<string, DumpGroup>();
  const states = new Map<string, number>();
  const keys = new StackKeys();
  let shown = 0;
  for (const g of dump.goroutines) {
    const state = g.state ?? '';
    states.set(state, (states.get(state) ?? 0) + g.count);
    if (!matchesFilter(g, filter)) continue;
    shown += g.count;
    const bucket = waitBucket(g.waitMinutes);
    const key = `${state}\n${bucket[0]}\n${keys.key(g)}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        key, state, waitMinutes: bucket, count: 0,
        stack: g.frames.map((f) => f.func), locations: g.frames.map(loc),
        createdBy: g.createdBy?.func ?? null, createdByLocation: g.createdBy ? loc(g.createdBy) : null,
        ids: [], leaked: 0, lockedToThread: 0, elided: false, maxWaitMinutes: 0,
      };
      groups.set(key, group);
    }
    group.count += g.count;
    if (g.id !== null && group.ids.length < MAX_IDS) group.ids.push(g.id);
    if (g.leaked) group.leaked += g.count;
    if (g.lockedToThread) group.lockedToThread += g.count;
    group.elided ||= g.elided;
    group.maxWaitMinutes = Math.max(group.maxWaitMinutes, g.waitMinutes);
  }
  const list = [...groups.values()];
  for (const g of list) g.ids.sort((a, b) => a - b);
  list.sort((a, b) => b.count - a.count || b.waitMinutes[0] - a.waitMinutes[0] || a.key.localeCompare(b.key));
  return {
    format: dump.format,
    profile: dump.profile,
    total: dump.total,
    shown,
    groups: list,
    states: [...states].map(([state, count]) => ({ state, count })).sort((a, b) => b.count - a.count || a.state.localeCompare(b.state)),
    warnings: dump.warnings,
    cutAt: dump.cutAt,
  };
}

/**
 * Two dumps compared by state and stack (wait buckets merged, so a goroutine that waited longer
 * stays in its row): rows that changed first, by growth. With `all`, unchanged rows too.
 */
export function diffGoroutines(before: GoroutineDump, after: GoroutineDump, filter: GoroutineFilter = {}, all = false): GoroutineDiffRow[] {
  const rows = new Map<string, GoroutineDiffRow>();
  const keys = new StackKeys();
  const add = (dump: GoroutineDump, side: 'before' | 'after'): void => {
    for (const g of dump.goroutines) {
      if (!matchesFilter(g, filter)) continue;
      const state = g.state ?? '';
      const key = `${state}\n${keys.key(g)}`;
      let row = rows.get(key);
      if (!row) {
        row = { state, stack: g.frames.map((f) => f.func), locations: g.frames.map(loc), createdBy: g.createdBy?.func ?? null, before: 0, after: 0, growth: 0, isNew: false, maxWaitBefore: null, maxWaitAfter: null };
        rows.set(key, row);
      }
      row[side] += g.count;
      const w = side === 'before' ? 'maxWaitBefore' : 'maxWaitAfter';
      row[w] = Math.max(row[w] ?? 0, g.waitMinutes);
    }
  };
  add(before, 'before');
  add(after, 'after');
  const list = [...rows.values()];
  for (const r of list) {
    r.growth = r.after - r.before;
    r.isNew = r.before === 0;
  }
  const waitedLonger = (r: GoroutineDiffRow): boolean => r.maxWaitBefore !== null && r.maxWaitAfter !== null && r.maxWaitAfter > r.maxWaitBefore;
  return list
    .filter((r) => all || r.growth !== 0 || waitedLonger(r))
    .sort((a, b) => b.growth - a.growth || (b.maxWaitAfter ?? 0) - (a.maxWaitAfter ?? 0) || a.stack.join().localeCompare(b.stack.join()));
}
