// pprof's -focus, -ignore, -hide, -show and -show_from. A location matches a regexp when one of
// its lines' function name or file name does, or its binary's path does. focus keeps samples
// through a matching location, ignore drops them (and wins over focus); hide removes the
// matching lines from stacks, show keeps only matching lines; show_from cuts each stack above
// its outermost match. Matches are decided on the lines as loaded, before hide/show cut them.

import type { Profile } from '../../model/profile.js';
import type { Accumulator, PrefixNames } from '../top.js';
import { keepSamples, selectSamples, withLocationLines } from '../profile-rewrite.js';

export interface NameFilters {
  focus?: RegExp;
  ignore?: RegExp;
  hide?: RegExp;
  show?: RegExp;
}

/** Answers, once per function and binary, whether a regexp matches it. */
class NameMatcher {
  private readonly fn: Int8Array;
  private readonly map: Int8Array;

  constructor(
    private readonly profile: Profile,
    private readonly re: RegExp,
  ) {
    this.fn = new Int8Array(profile.functionName.length).fill(-1);
    this.map = new Int8Array(profile.mappings.length).fill(-1);
  }

  /** Does line li's function name or file match? (A line without a function never does.) */
  line(li: number): boolean {
    const f = this.profile.lineFunction[li];
    if (f < 0) return false;
    if (this.fn[f] < 0) {
      const { strings, functionName, functionFile } = this.profile;
      this.fn[f] = this.re.test(strings[functionName[f]]) || this.re.test(strings[functionFile[f]]) ? 1 : 0;
    }
    return this.fn[f] === 1;
  }

  mapping(loc: number): boolean {
    const m = this.profile.locMapping[loc];
    if (m < 0) return false;
    if (this.map[m] < 0) this.map[m] = this.re.test(this.profile.mappings[m].file) ? 1 : 0;
    return this.map[m] === 1;
  }

  location(loc: number): boolean {
    const { locLineStart } = this.profile;
    for (let li = locLineStart[loc]; li < locLineStart[loc + 1]; li++) if (this.line(li)) return true;
    return this.mapping(loc);
  }
}

const FOCUSED = 1;
const IGNORED = 2;

/** Called with an option's name ("Focus", "Ignore", "Hide", "Show", "ShowFrom") when it matched nothing, as pprof warns. */
export type UnmatchedReport = (option: string) => void;

export function filterByName(profile: Profile, filters: NameFilters, unmatched: UnmatchedReport = () => {}): Profile {
  const { focus, ignore, hide, show } = filters;
  if (!focus && !ignore && !hide && !show) return profile;
  const nLoc = profile.locAddress.length;
  const matchers = {
    focus: focus && new NameMatcher(profile, focus),
    ignore: ignore && new NameMatcher(profile, ignore),
    hide: hide && new NameMatcher(profile, hide),
    show: show && new NameMatcher(profile, show),
  };
  const mark = new Uint8Array(nLoc);
  const hidden = new Uint8Array(nLoc);
  let anyHidden = false;
  const matched = { focus: false, ignore: false, hide: false, show: false };
  const locStart: number[] = [0];
  const lineIdx: number[] = [];
  const { locLineStart, lineFunction } = profile;
  for (let l = 0; l < nLoc; l++) {
    markLocation(matchers, mark, matched, l);

    let lines: number[] = [];
    for (let li = locLineStart[l]; li < locLineStart[l + 1]; li++) lines.push(li);
    if (matchers.hide?.location(l)) {
      matched.hide = true;
      lines = matchers.hide.mapping(l) ? [] : lines.filter((li) => !matchers.hide!.line(li));
      if (lines.length === 0) hidden[l] = 1;
    }
    if (matchers.show) {
      const m = matchers.show;
      if (!m.mapping(l)) lines = lines.filter((li) => lineFunction[li] < 0 || m.line(li));
      if (lines.length === 0) hidden[l] = 1;
      else matched.show = true;
    }
    if (hidden[l]) anyHidden = true;
    lineIdx.push(...lines);
    locStart.push(lineIdx.length);
  }
  if (focus && !matched.focus) unmatched('Focus');
  if (ignore && !matched.ignore) unmatched('Ignore');
  if (hide && !matched.hide) unmatched('Hide');
  if (show && !matched.show) unmatched('Show');
  const trimmed = withLocationLines(profile, locStart, lineIdx);
  // Whether each sample stays is decided first: a focus keeps few of many, whose stacks alone are copied.
  const keep = focusedSamples(profile, mark);
  if (!anyHidden) return keepSamples(trimmed, keep);
  const { sampleLocStart, sampleLocs } = profile;
  return selectSamples(trimmed, (s, stack) => {
    if (keep[s] === 0) return false;
    for (let i = sampleLocStart[s]; i < sampleLocStart[s + 1]; i++) if (!hidden[sampleLocs[i]]) stack.push(sampleLocs[i]);
    return stack.length > 0;
  });
}

/** Location l focused, ignored or neither (ignore wins), and whether focus / ignore matched something. */
function markLocation(matchers: { focus?: NameMatcher | undefined; ignore?: NameMatcher | undefined }, mark: Uint8Array, matched: { focus: boolean; ignore: boolean }, l: number): void {
  if (matchers.ignore?.location(l)) mark[l] = IGNORED;
  else if (!matchers.focus || matchers.focus.location(l)) mark[l] = FOCUSED;
  if (mark[l] === IGNORED) matched.ignore = true;
  if (mark[l] === FOCUSED) matched.focus = true;
}

/**
 * Walks samples' stacks for samplesKeptByName: `keep` (one byte per sample) filled from the
 * locations' marks (see markedSamples), in one go or in parts on several threads.
 */
export type MarkedSampleWalk = (profile: Profile, mark: Uint8Array) => Uint8Array;

/**
 * focus and ignore alone (no hide, no show): per sample, 1 when filterByName keeps it, with its
 * stack as it is; warns as it does.
 */
export function samplesKeptByName(profile: Profile, filters: Pick<NameFilters, 'focus' | 'ignore'>, unmatched: UnmatchedReport = () => {}, walk: MarkedSampleWalk = focusedSamples): Uint8Array {
  const { focus, ignore } = filters;
  const matchers = { focus: focus && new NameMatcher(profile, focus), ignore: ignore && new NameMatcher(profile, ignore) };
  const mark = new Uint8Array(profile.locAddress.length);
  const matched = { focus: false, ignore: false };
  for (let l = 0; l < mark.length; l++) markLocation(matchers, mark, matched, l);
  if (focus && !matched.focus) unmatched('Focus');
  if (ignore && !matched.ignore) unmatched('Ignore');
  return walk(profile, mark);
}

/** Per sample, 1 when its stack holds a focused location and no ignored one (markedSamples over every sample); `figures`, `known`: see markedSamples. */
export function focusedSamples(profile: Profile, mark: Uint8Array, figures?: KeptSampleFigures, known?: KnownPrefixes): Uint8Array {
  const keep = new Uint8Array(profile.sampleCount);
  markedSamples(profile.sampleLocStart, profile.sampleLocs, mark, 0, profile.sampleCount, keep, figures, known);
  if (figures !== undefined && known?.names) figures.into.addPrefixes(known.names);
  return keep;
}

/**
 * Where a walk of the stacks adds each sample it keeps, as it keeps it (analysis/top.ts
 * Accumulator: a chip's per-function figures made in the walk that chooses its samples, while
 * the stack is at hand), with the samples' values (`nTypes` per sample).
 */
export interface KeptSampleFigures {
  into: Pick<Accumulator, 'add' | 'addBelow' | 'addPrefixes'>;
  values: Float64Array;
  nTypes: number;
}

/**
 * What a trie of the walked profile knows of each sample's stack (flame-graph.ts FlameStructure
 * knownPrefixes): its outer part is the path of its node (`node`), whose locations' marks are
 * ORed per node already (`pathMark`; MIXED_MARK where a name on the path stands for locations
 * marked differently), and, unless it ends there (`ends` 1), the rest runs from the leaf up to
 * location offset `stopLoc` from the start of its stack (-1: not known).
 */
export interface KnownPrefixes {
  node: Int32Array;
  ends: Uint8Array;
  stopLoc: Int32Array;
  pathMark: Uint8Array;
  /**
   * The trie's nodes as the walk's figures name functions (null: not known), so a sample kept at
   * a node is added to them without its path's locations (Accumulator.addBelow; the walk's
   * owner adds the paths once all its samples are walked: addPrefixes).
   */
  names: PrefixNames | null;
}

/** In KnownPrefixes.pathMark: the path's marks are not known (its samples are walked whole). */
export const MIXED_MARK = 4;

/**
 * For samples from..to-1: keep[s] = 1 when its stack holds a focused location and no ignored one
 * (`mark` per location: 1 focused, 2 ignored, as markLocation marks), else 0. The marks of its
 * locations are ORed together, without a branch per location (a walk of every stack: a chip's
 * first cost). Plain columns, so that another thread can walk a part. With `known`, only the part
 * of each stack below its known prefix is walked; with `figures`, each sample kept is added to them
 * (with `known.names`, its known prefix by its node: the caller then adds the paths, addPrefixes).
 */
export function markedSamples(sampleLocStart: Uint32Array, sampleLocs: Uint32Array, mark: Uint8Array, from: number, to: number, keep: Uint8Array, figures?: KeptSampleFigures, known?: KnownPrefixes): void {
  for (let s = from; s < to; s++) {
    const start = sampleLocStart[s];
    const end = sampleLocStart[s + 1];
    let m = 0;
    let walkTo = end;
    let node = -1;
    if (known !== undefined) {
      const x = known.node[s];
      const path = known.pathMark[x];
      const stop = known.ends[s] === 1 ? -1 : known.stopLoc[s];
      if (path < MIXED_MARK && (stop >= 0 || known.ends[s] === 1)) {
        m = path;
        walkTo = start + stop + 1;
        node = x;
      }
    }
    for (let i = start; i < walkTo; i++) m |= mark[sampleLocs[i]];
    keep[s] = m === FOCUSED ? 1 : 0;
    if (m === FOCUSED && figures !== undefined) {
      if (node >= 0 && known!.names !== null) figures.into.addBelow(s, sampleLocs, start, walkTo, end, figures.values, s * figures.nTypes, node, known!.names);
      else figures.into.add(s, sampleLocs, start, end, figures.values, s * figures.nTypes);
    }
  }
}

/** pprof -show_from: each stack keeps its frames from the outermost match inward; samples without a match go. */
export function showFrom(profile: Profile, re: RegExp | undefined, unmatched: UnmatchedReport = () => {}): Profile {
  if (!re) return profile;
  const nLoc = profile.locAddress.length;
  const matcher = new NameMatcher(profile, re);
  const matched = new Uint8Array(nLoc);
  const locStart: number[] = [0];
  const lineIdx: number[] = [];
  const { locLineStart } = profile;
  for (let l = 0; l < nLoc; l++) {
    let end = locLineStart[l + 1];
    if (matcher.mapping(l)) matched[l] = 1;
    else {
      // Lines are innermost first: keep those up to the outermost matching one.
      for (let li = locLineStart[l + 1] - 1; li >= locLineStart[l]; li--) {
        if (matcher.line(li)) {
          matched[l] = 1;
          end = li + 1;
          break;
        }
      }
    }
    for (let li = locLineStart[l]; li < end; li++) lineIdx.push(li);
    locStart.push(lineIdx.length);
  }
  if (!matched.includes(1)) unmatched('ShowFrom');
  const trimmed = withLocationLines(profile, locStart, lineIdx);
  return selectSamples(trimmed, (s, stack) => {
    const from = profile.sampleLocStart[s];
    for (let i = profile.sampleLocStart[s + 1] - 1; i >= from; i--) {
      if (!matched[profile.sampleLocs[i]]) continue;
      for (let j = from; j <= i; j++) stack.push(profile.sampleLocs[j]);
      return true;
    }
    return false;
  });
}
