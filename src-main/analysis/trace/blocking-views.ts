// A trace's blocking profile (analysis/trace/blocking.ts) as the profile views show it: the
// flat/cum table of `go tool pprof -top` on the file `go tool trace -pprof=KIND` writes, and the
// profile exported as pprof (.pb.gz) or folded stacks of delay.

import type { GoTrace } from '../../model/trace.js';
import type { Profile } from '../../model/profile.js';
import { blockingProfile, blockingRecords, type BlockingKind } from './blocking.js';
import { goroutineStats } from './goroutine-summary.js';
import { computeTop, DEFAULT_TOP_OPTIONS, type TopReport } from '../top.js';
import { resolveSampleType } from '../profile-ops.js';
import { collapseProfile } from '../collapsed.js';
import { encodePprof } from '../../formats/pprof/encode-pprof.js';

export const BLOCKING_EXPORT_FORMATS = ['pprof', 'collapsed'] as const;
export type BlockingExportFormat = (typeof BLOCKING_EXPORT_FORMATS)[number];

export function blockingProfileOf(trace: GoTrace, kind: BlockingKind): Profile {
  return blockingProfile(trace, blockingRecords(trace, goroutineStats(trace), kind));
}

/** The top table of one sample type of the profile: delay (ns, the default) or contentions; cum orders as pprof -top -cum. */
export function blockingTop(profile: Profile, sampleType: 'delay' | 'contentions' = 'delay', nodecount = DEFAULT_TOP_OPTIONS.nodecount, cum = false): TopReport {
  return computeTop(profile, resolveSampleType(profile, sampleType), { ...DEFAULT_TOP_OPTIONS, nodecount, cum });
}

/** The profile as a file: its bytes, media type and file-name ending. */
export function blockingExport(profile: Profile, format: BlockingExportFormat): { bytes: Uint8Array; mediaType: string; extension: string } {
  if (format === 'pprof') return { bytes: encodePprof(profile), mediaType: 'application/gzip', extension: '.pb.gz' };
  const text = collapseProfile(profile, resolveSampleType(profile, 'delay'));
  return { bytes: new TextEncoder().encode(text), mediaType: 'text/plain; charset=utf-8', extension: '.folded.txt' };
}
