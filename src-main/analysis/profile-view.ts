// One profile as the user asked to see it, built the way `go tool pprof` builds its report:
// the sources merged, a diff base subtracted (its samples negated and labelled pprof::base,
// after scaling the sources to the base's total with -normalize), the report's total taken
// (the base's when diffing), then the name filters, show_from, the tag filters, the
// granularity, and (gpw's own) recursion collapsing. The result is a plain Profile, so every
// view (top, flame graph, call tree, export) works on it.

import type { Profile } from '../model/profile.js';
import { compileGoRegexp, GoRegexpError } from './filters/go-regexp.js';
import { filterByName, samplesKeptByName, showFrom, type MarkedSampleWalk } from './filters/name-filters.js';
import { filterByTags, numericLabelUnits, samplesKeptByTags } from './filters/tag-samples.js';
import { TagFilterError } from './filters/tag-filter.js';
import { applyGranularity, type Granularity } from './granularity.js';
import { collapseRecursion } from './collapse-recursion.js';
import { mergeProfiles } from './merge-profiles.js';
import { keepSamples, scaleProfile } from './profile-rewrite.js';
import { GpwError } from '../api/errors.js';

export interface ViewFilters {
  granularity?: Granularity;
  focus?: string;
  ignore?: string;
  hide?: string;
  show?: string;
  showFrom?: string;
  tagfocus?: string;
  tagignore?: string;
  collapseRecursion?: boolean;
  /** With a base: scale the sources to the base's total first (pprof -normalize). */
  normalize?: boolean;
}

export interface ViewInput {
  /** Profiles merged into the one shown (at least one). */
  sources: Profile[];
  /** Profiles merged into the diff base (pprof -diff_base), or none. */
  base?: Profile[];
}

export interface ProfileView {
  profile: Profile;
  /**
   * pprof's report total per sample type: magnitudes summed before any filter, over the base's
   * samples when diffing. Percentages and "of N total" use it.
   */
  totals: number[];
  /** pprof's warnings, e.g. "Focus expression matched no samples". */
  warnings: string[];
}

export const BASE_LABEL = 'pprof::base';

function regexpOption(name: string, src: string | undefined): RegExp | undefined {
  if (!src) return undefined;
  try {
    return compileGoRegexp(src);
  } catch (err) {
    if (err instanceof GoRegexpError) throw new GpwError('invalid_argument', `${name}: "${src}" is not a valid regular expression: ${err.message}`);
    throw err;
  }
}

/** Sum of each sample type over all samples (signed, as pprof's -normalize adds them). */
function signedSums(p: Profile): number[] {
  const n = p.sampleTypes.length;
  const sums = new Array<number>(n).fill(0);
  for (let s = 0; s < p.sampleCount; s++) for (let t = 0; t < n; t++) sums[t] += p.values[s * n + t];
  return sums;
}

/** The sources merged and the base subtracted, as pprof combines them before any filter. */
function combine(input: ViewInput, normalize: boolean): Profile {
  let p = mergeProfiles(input.sources.map((profile) => ({ profile })));
  if (!input.base || input.base.length === 0) return p;
  let base = mergeProfiles(input.base.map((profile) => ({ profile })));
  if (base.sampleTypes.map((t) => t.type).join() !== p.sampleTypes.map((t) => t.type).join()) {
    // Checked again by the merge below; said here in terms of base and profile.
    throw new GpwError('invalid_argument', `the diff base has sample types ${base.sampleTypes.map((t) => t.type).join(', ')}, the profile ${p.sampleTypes.map((t) => t.type).join(', ')}`);
  }
  if (normalize) {
    const baseSums = signedSums(base);
    const srcSums = signedSums(p);
    p = scaleProfile(p, srcSums.map((v, t) => (v === 0 ? 0 : baseSums[t] / v)));
  }
  base = scaleProfile(base, base.sampleTypes.map(() => -1));
  return mergeProfiles([{ profile: p }, { profile: base, extraLabels: { [BASE_LABEL]: 'true' } }]);
}

/** pprof's computeTotal: magnitudes, or the base's magnitudes when the profile holds a diff base. */
export function reportTotals(p: Profile): number[] {
  const n = p.sampleTypes.length;
  const total = new Array<number>(n).fill(0);
  const baseTotal = new Array<number>(n).fill(0);
  const baseKey = p.strings.indexOf(BASE_LABEL);
  for (let s = 0; s < p.sampleCount; s++) {
    let isBase = false;
    if (baseKey > 0) {
      for (let i = p.sampleLabelStart[s]; i < p.sampleLabelStart[s + 1]; i++) {
        if (p.labelKey[i] === baseKey && p.strings[p.labelStr[i]] === 'true') isBase = true;
      }
    }
    for (let t = 0; t < n; t++) {
      const v = Math.abs(p.values[s * n + t]);
      total[t] += v;
      if (isBase) baseTotal[t] += v;
    }
  }
  return total.map((v, t) => (baseTotal[t] > 0 ? baseTotal[t] : v));
}

/** A tag filter's work, its syntax errors worded as the contract's. */
function tagFiltered<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof TagFilterError) throw new GpwError('invalid_argument', `tag filter: ${err.message}`);
    throw err;
  }
}

/** pprof's warning for an option that matched nothing ("Focus", …), added to `warnings`. */
function warnInto(warnings: string[]): (option: string) => void {
  return (option) => {
    warnings.push(`${option} expression matched no samples`);
  };
}

export function viewProfile(input: ViewInput, filters: ViewFilters = {}): ProfileView {
  const combined = combine(input, filters.normalize === true);
  const totals = reportTotals(combined);
  // Label units are read (a walk of every label) only for the tag filters that use them.
  const units = filters.tagfocus || filters.tagignore ? numericLabelUnits(combined) : new Map<string, string>();
  const warnings: string[] = [];
  const unmatched = warnInto(warnings);
  let p = filterByName(
    combined,
    {
      focus: regexpOption('focus', filters.focus),
      ignore: regexpOption('ignore', filters.ignore),
      hide: regexpOption('hide', filters.hide),
      show: regexpOption('show', filters.show),
    },
    unmatched,
  );
  p = showFrom(p, regexpOption('show_from', filters.showFrom), unmatched);
  p = tagFiltered(() => filterByTags(p, filters.tagfocus, filters.tagignore, units, unmatched));
  p = applyGranularity(p, filters.granularity);
  if (filters.collapseRecursion) p = collapseRecursion(p);
  return { profile: p, totals, warnings };
}

/**
 * The filters of the view that `filters` narrows when they add only filters that keep or drop
 * whole samples (focus, ignore without hide or show; tagfocus, tagignore) to filters that change
 * nothing (granularity by functions at most): `filters` without those. Else null.
 */
export function narrowedFrom(filters: ViewFilters): ViewFilters | null {
  const { focus, ignore, tagfocus, tagignore, ...rest } = filters;
  if (!focus && !ignore && !tagfocus && !tagignore) return null;
  const changesNothing = !rest.hide && !rest.show && !rest.showFrom && !rest.collapseRecursion && (!rest.granularity || rest.granularity === 'functions');
  return changesNothing ? rest : null;
}

/**
 * viewProfile(input, filters) from `parent`, viewProfile(input, narrowedFrom(filters)): the
 * same profile (the parent's samples that focus, ignore and the tag filters keep, each as it
 * is), totals and warnings; `kept[k]` is the parent's sample of sample k. `walk`: how focus and
 * ignore walk the stacks (the app's worker shares the walk with its helper thread). `onKept`:
 * told `kept` before the kept samples are copied into the view's profile (the app's worker
 * starts the view's flame trie on its helper thread from the parent's stacks meanwhile).
 */
export function narrowView(parent: ProfileView, filters: ViewFilters, walk?: MarkedSampleWalk, onKept?: (kept: Int32Array) => void): { view: ProfileView; kept: Int32Array } {
  const warnings: string[] = [];
  const { profile: all } = parent;
  let keep: Uint8Array | undefined;
  if (filters.focus || filters.ignore) keep = samplesKeptByName(all, { focus: regexpOption('focus', filters.focus), ignore: regexpOption('ignore', filters.ignore) }, warnInto(warnings), walk);
  if (filters.tagfocus || filters.tagignore) keep = tagFiltered(() => samplesKeptByTags(all, filters.tagfocus, filters.tagignore, numericLabelUnits(all), warnInto(warnings), keep));
  const kept = keptIndices(keep, all.sampleCount);
  onKept?.(kept);
  const profile = keep ? keepSamples(all, keep) : all;
  return { view: { profile, totals: parent.totals, warnings }, kept };
}

/** The samples `keep` keeps (all `n` without it), in order: keepSamples's sample k is sample kept[k]. */
function keptIndices(keep: Uint8Array | undefined, n: number): Int32Array {
  let count = n;
  if (keep) {
    count = 0;
    for (let s = 0; s < n; s++) if (keep[s] !== 0) count++;
  }
  const kept = new Int32Array(count);
  for (let s = 0, k = 0; s < n; s++) if (!keep || keep[s] !== 0) kept[k++] = s;
  return kept;
}
