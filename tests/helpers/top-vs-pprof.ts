// Runs `gpw top --json` and `go tool pprof -top` with the same options on the same files and
// returns both tables, for tests that compare every row (filters, granularity, diff, merge).
// gpw's side runs as the CLI, or (many cases, on a busy machine) as the worker's own code in
// this process: the same decode, pruning, view and top functions, without a process per case.
import { readFileSync } from 'node:fs';
import { gpwJson, pprofTop, type PprofTop } from './run';
import { viewProfile, type ViewFilters } from '../../src-main/analysis/profile-view';
import { decodeProfileBytes } from '../../src-main/formats/decode-profile';
import { pruneDroppedFrames } from '../../src-main/analysis/prune-frames';
import { topOf } from '../../src-main/analysis/profile-ops';
import { DEFAULT_TOP_OPTIONS } from '../../src-main/analysis/top';
import { viewFilters } from '../../src-main/workers/view-request';
import type { Profile } from '../../src-main/model/profile';

/** The view options pprof has too (not gpw's collapseRecursion), and pprof's -diff_base / -cum. */
export interface TopView extends Omit<ViewFilters, 'collapseRecursion'> {
  /** A file (or library id for gpw) subtracted as pprof's -diff_base. */
  diffBase?: string;
  cum?: boolean;
}

export interface GpwTop {
  sampleType: string;
  unit: string;
  total: number;
  rows: { name: string; flat: number; cum: number; inline: string }[];
}

/** The same view as gpw flags and as pprof flags. */
export function viewFlags(v: TopView): { gpw: string[]; pprof: string[] } {
  const gpw: string[] = [];
  const pprof: string[] = [];
  const pair = (g: string, p: string, value: string | undefined): void => {
    if (value === undefined) return;
    gpw.push(`--${g}`, value);
    pprof.push(`-${p}=${value}`);
  };
  pair('focus', 'focus', v.focus);
  pair('ignore', 'ignore', v.ignore);
  pair('hide', 'hide', v.hide);
  pair('show', 'show', v.show);
  pair('show-from', 'show_from', v.showFrom);
  pair('tagfocus', 'tagfocus', v.tagfocus);
  pair('tagignore', 'tagignore', v.tagignore);
  pair('diff-base', 'diff_base', v.diffBase);
  if (v.granularity) {
    gpw.push('--granularity', v.granularity);
    pprof.push(`-${v.granularity}`);
  }
  if (v.normalize) {
    gpw.push('--normalize');
    pprof.push('-normalize');
  }
  if (v.cum) {
    gpw.push('--cum');
    pprof.push('-cum');
  }
  return { gpw, pprof };
}

/**
 * gpw's and pprof's tables of `files` (the first, with the others merged in) under one view.
 * `gpwTargets` names the same profiles for gpw when they are library ids rather than files.
 */
export async function topBoth(
  library: string,
  files: string[],
  sampleIndex: string,
  unit: string,
  view: TopView,
  gpwTargets: { files: string[]; diffBase?: string } = { files, diffBase: view.diffBase },
): Promise<{ gpw: GpwTop; pprof: PprofTop }> {
  const pprofFlags = viewFlags(view).pprof;
  const gpwFlags = viewFlags({ ...view, diffBase: gpwTargets.diffBase }).gpw;
  const merge = gpwTargets.files.slice(1).flatMap((f) => ['--merge', f]);
  const [gpw, pprof] = await Promise.all([
    gpwJson<GpwTop>(library, 'top', gpwTargets.files[0], ...merge, '--sample-index', sampleIndex, '--nodecount', '0', ...gpwFlags),
    pprofTop(files, sampleIndex, unit, 0, pprofFlags),
  ]);
  return { gpw, pprof };
}

const decoded = new Map<string, Profile>();
/** A file decoded as the profile worker decodes it (once per test file). */
function loadProfile(file: string): Profile {
  let p = decoded.get(file);
  if (!p) {
    p = pruneDroppedFrames(decodeProfileBytes(readFileSync(file)));
    decoded.set(file, p);
  }
  return p;
}

/** gpw's table computed in this process by the code the profile worker runs for `gpw top`. */
export function gpwTopInProcess(files: string[], sampleIndex: string, view: TopView): GpwTop {
  const v = viewProfile({ sources: files.map(loadProfile), base: view.diffBase ? [loadProfile(view.diffBase)] : [] }, viewFilters(view));
  return topOf(v, sampleIndex, { ...DEFAULT_TOP_OPTIONS, nodecount: 0, cum: view.cum === true });
}

/** As topBoth, with gpw's side in this process (pprof still runs as the real tool). */
export async function topBothInProcess(files: string[], sampleIndex: string, unit: string, view: TopView): Promise<{ gpw: GpwTop; pprof: PprofTop }> {
  const pprof = await pprofTop(files, sampleIndex, unit, 0, viewFlags(view).pprof);
  return { gpw: gpwTopInProcess(files, sampleIndex, view), pprof };
}

/** The rows as the comparison wants them (pprof's parsed rows have the same keys). */
export const rowsOf = (t: GpwTop): { name: string; flat: number; cum: number; inline: string }[] =>
  t.rows.map((r) => ({ name: r.name, flat: r.flat, cum: r.cum, inline: r.inline }));

type Row = { name: string; flat: number; cum: number; inline: string };
/**
 * Rows in a comparable order. pprof's -files keeps each function a node of its own, named by
 * its file; nodes of one name and flat value are then in Go's map order, which changes from
 * run to run, so those tables are compared as sets of rows.
 */
export function comparable(rows: Row[], view: TopView): Row[] {
  if (view.granularity !== 'files') return rows;
  const key = (r: Row): string => `${r.name}\0${r.flat}\0${r.cum}\0${r.inline}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
