// The source views of one ProfileView by sample-type name and Go regexp, as the profile
// worker runs them (next to analysis/view-ops.ts): pprof's -list figures and -peek.

import type { ProfileView } from '../profile-view.js';
import { resolveSampleType } from '../profile-ops.js';
import { compileGoRegexp } from '../filters/go-regexp.js';
import { listFunctions, type ListOptions, type ListReport } from './list.js';
import { peekFunctions, type PeekReport } from './peek.js';
import { addressFigures, type AddressFigures } from './disasm.js';

export function sourceListOf(view: ProfileView, sampleType: string | undefined, symbol: string, options: ListOptions): ListReport {
  return listFunctions(view, resolveSampleType(view.profile, sampleType), compileGoRegexp(symbol), options);
}

export function peekOf(view: ProfileView, sampleType: string | undefined, symbol: string): PeekReport {
  return peekFunctions(view, resolveSampleType(view.profile, sampleType), compileGoRegexp(symbol));
}

export function addressesOf(view: ProfileView, sampleType: string | undefined): AddressFigures {
  return addressFigures(view, resolveSampleType(view.profile, sampleType));
}
