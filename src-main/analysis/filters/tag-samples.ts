// Applies pprof's -tagfocus / -tagignore to a profile's samples: a sample stays when it matches
// tagfocus (if given) and does not match tagignore.

import type { Profile } from '../../model/profile.js';
import { keepSamples } from '../profile-rewrite.js';
import { compileTagFilter, type SampleLabels } from './tag-filter.js';

/** A label is numeric when it has no string value but a number or a unit (as pprof reads it). */
const isNumeric = (p: Profile, i: number): boolean => p.labelStr[i] === 0 && (p.labelNum[i] !== 0 || p.labelNumUnit[i] !== 0);

/** The unit of each numeric label key, as pprof settles it: the first unit seen, else inferred from the key. */
export function numericLabelUnits(profile: Profile): Map<string, string> {
  const units = new Map<string, string>();
  for (let i = 0; i < profile.labelKey.length; i++) {
    if (!isNumeric(profile, i)) continue;
    const key = profile.strings[profile.labelKey[i]];
    const unit = profile.strings[profile.labelNumUnit[i]] ?? '';
    if (!units.get(key)) units.set(key, unit);
  }
  for (const [key, unit] of units) if (!unit) units.set(key, key === 'alignment' || key === 'request' ? 'bytes' : key);
  return units;
}

/** The labels of sample s grouped by key. */
export function sampleLabels(profile: Profile, s: number): SampleLabels {
  const strings = new Map<string, string[]>();
  const numbers = new Map<string, number[]>();
  for (let i = profile.sampleLabelStart[s]; i < profile.sampleLabelStart[s + 1]; i++) {
    const key = profile.strings[profile.labelKey[i]];
    if (profile.labelStr[i] !== 0) {
      const list = strings.get(key) ?? [];
      list.push(profile.strings[profile.labelStr[i]]);
      strings.set(key, list);
    } else if (isNumeric(profile, i)) {
      const list = numbers.get(key) ?? [];
      list.push(profile.labelNum[i]);
      numbers.set(key, list);
    }
  }
  return { strings, numbers };
}

/** `unmatched` hears "TagFocus" / "TagIgnore" when that filter matched no sample, as pprof warns. */
export function filterByTags(profile: Profile, tagfocus: string | undefined, tagignore: string | undefined, units: ReadonlyMap<string, string>, unmatched: (option: string) => void = () => {}): Profile {
  if (!tagfocus && !tagignore) return profile;
  return keepSamples(profile, samplesKeptByTags(profile, tagfocus, tagignore, units, unmatched));
}

/**
 * Per sample, 1 when it matches tagfocus (if given) and not tagignore: the samples filterByTags
 * keeps, each with its stack as it is. Only samples with `among[s]` 1 are looked at (all without
 * it), and only they decide the warnings.
 */
export function samplesKeptByTags(
  profile: Profile,
  tagfocus: string | undefined,
  tagignore: string | undefined,
  units: ReadonlyMap<string, string>,
  unmatched: (option: string) => void = () => {},
  among?: Uint8Array,
): Uint8Array {
  const focus = tagfocus ? compileTagFilter(tagfocus, units) : null;
  const ignore = tagignore ? compileTagFilter(tagignore, units) : null;
  let focused = false;
  let ignored = false;
  const keep = new Uint8Array(profile.sampleCount);
  for (let s = 0; s < profile.sampleCount; s++) {
    if (among && among[s] === 0) continue;
    const labels = sampleLabels(profile, s);
    const inFocus = !focus || focus(labels);
    const isIgnored = !!ignore && ignore(labels);
    focused ||= inFocus;
    ignored ||= isIgnored;
    keep[s] = inFocus && !isIgnored ? 1 : 0;
  }
  if (focus && !focused) unmatched('TagFocus');
  if (ignore && !ignored) unmatched('TagIgnore');
  return keep;
}
