// Direct recursion folded into one frame: in each stack, a frame naming the same function as
// the frame that calls it is dropped (f → f → f → g becomes f → g). Locations that lose some of
// their inlined lines this way are replaced by new locations holding the rest.

import type { Profile } from '../model/profile.js';
import { selectSamples } from './profile-rewrite.js';

export function collapseRecursion(profile: Profile): Profile {
  const { locLineStart, lineFunction, functionName, sampleLocStart, sampleLocs } = profile;
  const locAddress = Array.from(profile.locAddress);
  const locMapping = Array.from(profile.locMapping);
  const newLocStart = Array.from(locLineStart);
  const newLineFunction = Array.from(lineFunction);
  const newLineNumber = Array.from(profile.lineNumber);
  const derived = new Map<string, number>();
  // Frames are compared by function name; a line without a function is its own location.
  const frameKey = (loc: number, li: number): string => (lineFunction[li] >= 0 && profile.strings[functionName[lineFunction[li]]]) || `\0${loc}`;

  const locationWith = (loc: number, lines: number[]): number => {
    if (lines.length === locLineStart[loc + 1] - locLineStart[loc]) return loc;
    const key = `${loc}:${lines.join(',')}`;
    let id = derived.get(key);
    if (id === undefined) {
      id = locAddress.length;
      locAddress.push(profile.locAddress[loc]);
      locMapping.push(profile.locMapping[loc]);
      for (const li of lines) {
        newLineFunction.push(lineFunction[li]);
        newLineNumber.push(profile.lineNumber[li]);
      }
      newLocStart.push(newLineFunction.length);
      derived.set(key, id);
    }
    return id;
  };

  const stacks: number[][] = [];
  for (let s = 0; s < profile.sampleCount; s++) {
    const rootFirst: number[] = [];
    let previous: string | null = null;
    for (let i = sampleLocStart[s + 1] - 1; i >= sampleLocStart[s]; i--) {
      const loc = sampleLocs[i];
      const kept: number[] = [];
      // Lines are innermost first; walk them outermost first.
      for (let li = locLineStart[loc + 1] - 1; li >= locLineStart[loc]; li--) {
        const key = frameKey(loc, li);
        if (key === previous) continue;
        previous = key;
        kept.unshift(li);
      }
      if (locLineStart[loc + 1] === locLineStart[loc]) {
        const key = `\0${loc}`;
        if (key !== previous) rootFirst.push(loc);
        previous = key;
      } else if (kept.length > 0) rootFirst.push(locationWith(loc, kept));
    }
    stacks.push(rootFirst.reverse());
  }
  const extended: Profile = {
    ...profile,
    locAddress: Float64Array.from(locAddress),
    locMapping: Int32Array.from(locMapping),
    locLineStart: Uint32Array.from(newLocStart),
    lineFunction: Int32Array.from(newLineFunction),
    lineNumber: Float64Array.from(newLineNumber),
  };
  return selectSamples(extended, (s, stack) => {
    for (const l of stacks[s]) stack.push(l);
    return true;
  });
}
