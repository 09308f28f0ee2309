// A profile's own drop_frames / keep_frames, applied as pprof applies them to every profile it
// loads: frames from the first dropped function towards the leaf are removed from each stack
// (but never the frames above the first function that is kept).

import type { Profile } from '../model/profile.js';

const RESERVED = ['(anonymous namespace)', 'operator()'];

/** pprof's simplifyFunc: names are matched without a leading "." and from the first "(" on. */
function simplifyName(name: string): string {
  const n = name.startsWith('.') ? name.slice(1) : name;
  for (let i = n.indexOf('('); i >= 0; i = n.indexOf('(', i + 1)) {
    if (!RESERVED.some((r) => n.startsWith(r, i))) return n.slice(0, i);
  }
  return n;
}

function anchored(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(${pattern})$`);
  } catch {
    return null; // pprof ignores a pattern it cannot compile
  }
}

/** The profile with drop_frames/keep_frames applied; the same profile when it has none. */
export function pruneDroppedFrames(profile: Profile): Profile {
  if (!profile.dropFrames) return profile;
  const drop = anchored(profile.dropFrames);
  if (!drop) return profile;
  const keep = profile.keepFrames ? anchored(profile.keepFrames) : null;
  const cache = new Map<string, boolean>();
  const pruneFrom = (name: string): boolean => {
    let r = cache.get(name);
    if (r === undefined) {
      const simple = simplifyName(name);
      r = drop.test(simple) && !(keep && keep.test(simple));
      cache.set(name, r);
    }
    return r;
  };

  // Per location: lines kept (from `first` on, the outer ones), whether its stack is cut below it,
  // and whether the location goes entirely.
  const nLoc = profile.locAddress.length;
  const first = new Int32Array(nLoc);
  const pruneBeneath = new Uint8Array(nLoc);
  const pruneWhole = new Uint8Array(nLoc);
  for (let l = 0; l < nLoc; l++) {
    const from = profile.locLineStart[l];
    const to = profile.locLineStart[l + 1];
    first[l] = from;
    for (let i = to - 1; i >= from; i--) {
      const fn = profile.lineFunction[i];
      const name = fn >= 0 ? profile.strings[profile.functionName[fn]] : '';
      if (name && pruneFrom(name)) {
        pruneBeneath[l] = 1;
        if (i === to - 1) pruneWhole[l] = 1;
        else first[l] = i + 1;
        break;
      }
    }
  }

  const locLineStart = new Uint32Array(nLoc + 1);
  const lineFunction: number[] = [];
  const lineNumber: number[] = [];
  for (let l = 0; l < nLoc; l++) {
    locLineStart[l] = lineFunction.length;
    for (let i = first[l]; i < profile.locLineStart[l + 1]; i++) {
      lineFunction.push(profile.lineFunction[i]);
      lineNumber.push(profile.lineNumber[i]);
    }
  }
  locLineStart[nLoc] = lineFunction.length;

  // Per sample (locations leaf first): from the root, after the first user location, cut at
  // the first pruned one.
  const sampleLocStart = new Uint32Array(profile.sampleCount + 1);
  const sampleLocs: number[] = [];
  for (let s = 0; s < profile.sampleCount; s++) {
    sampleLocStart[s] = sampleLocs.length;
    const from = profile.sampleLocStart[s];
    const to = profile.sampleLocStart[s + 1];
    let leafmost = from;
    let foundUser = false;
    for (let i = to - 1; i >= from; i--) {
      const loc = profile.sampleLocs[i];
      if (!pruneWhole[loc] && !pruneBeneath[loc]) {
        foundUser = true;
        continue;
      }
      if (!foundUser) continue;
      leafmost = pruneWhole[loc] ? i + 1 : i;
      break;
    }
    for (let i = leafmost; i < to; i++) sampleLocs.push(profile.sampleLocs[i]);
  }
  sampleLocStart[profile.sampleCount] = sampleLocs.length;

  return {
    ...profile,
    locLineStart,
    lineFunction: Int32Array.from(lineFunction),
    lineNumber: Float64Array.from(lineNumber),
    sampleLocStart,
    sampleLocs: Uint32Array.from(sampleLocs),
  };
}
