// Checks on what a target sent back that the format readers cannot know: an empty block or
// mutex profile (profiling is off in the program), a delta profile whose server ignored
// ?seconds (Go before 1.16), and the command line's shape.

import { GpwError } from '../api/errors.js';
import type { ProfileSummary } from '../api/types.js';
import type { NewArtifact } from '../library/library.js';
import type { CapturePlan } from './capture-kinds.js';

const PROFILE_SUBTYPES = new Set(['cpu', 'heap', 'allocs', 'block', 'mutex', 'goroutine', 'threadcreate']);

const TURN_ON: Record<string, string> = {
  block: 'block profiling is off in the Go program: call runtime.SetBlockProfileRate(1) (or a larger rate in ns) early in main',
  mutex: 'mutex profiling is off in the Go program: call runtime.SetMutexProfileFraction(5) (1 records every contention) early in main',
};

/** Throws a GpwError for a capture that parsed but cannot be what was asked for; fixes the subtype from the URL. */
export function checkCapturedArtifact(plan: CapturePlan, artifact: NewArtifact): void {
  const kind = plan.spec.kind;
  if (PROFILE_SUBTYPES.has(kind)) {
    if (artifact.kind !== 'profile') throw new GpwError('bad_input', `${plan.url.href}: expected a pprof ${kind} profile, got a ${artifact.kind}`);
    // The URL says which profile it is; an empty mutex profile cannot say it by its content.
    artifact.subtype = kind;
    const summary = artifact.summary as ProfileSummary;
    if ((kind === 'block' || kind === 'mutex') && summary.sampleCount === 0) {
      const during = plan.delta ? ` (if it is on, nothing ${kind === 'block' ? 'blocked' : 'contended'} during the ${plan.seconds} s window)` : '';
      throw new GpwError('bad_input', `${plan.url.href}: the ${kind} profile is empty: ${TURN_ON[kind]}${during}`);
    }
    if (plan.delta && summary.durationNs < plan.seconds * 1e9 * 0.5) {
      throw new GpwError('bad_input', `${plan.url.href}: the server ignored ?seconds=${plan.seconds} (net/http/pprof takes delta profiles from Go 1.16 on): capture ${kind} without seconds`);
    }
  }
  if (kind === 'trace' && artifact.kind !== 'trace') throw new GpwError('bad_input', `${plan.url.href}: expected a Go execution trace, got a ${artifact.kind}`);
  if ((kind === 'expvar' || kind === 'metrics') && artifact.kind !== 'metrics') {
    throw new GpwError('bad_input', `${plan.url.href}: expected ${kind === 'expvar' ? 'expvar JSON' : 'Prometheus text'}, got a ${artifact.kind}`);
  }
  if ((kind === 'goroutines' || kind === 'goroutineleak') && artifact.kind !== 'goroutines') {
    throw new GpwError('bad_input', `${plan.url.href}: expected a goroutine dump (?debug=2 text), got a ${artifact.kind}`);
  }
  if (kind === 'goroutineleak') artifact.subtype = 'goroutineleak';
  if (kind === 'profile') {
    if (artifact.kind !== 'profile') throw new GpwError('bad_input', `${plan.url.href}: expected a pprof profile named ${plan.spec.name}, got a ${artifact.kind}`);
    artifact.subtype = plan.spec.name!;
  }
  if (artifact.subtype === null) artifact.subtype = kind;
}

/** /debug/pprof/cmdline: the program's arguments separated by NUL bytes. */
export function parseCmdline(url: URL, body: Buffer): string[] {
  if (body.length === 0) throw new GpwError('bad_input', `${url.href}: the command line is empty`);
  if (body.length > 1 << 20) throw new GpwError('bad_input', `${url.href}: ${body.length} bytes is not a command line`);
  const text = body.toString('utf8');
  if (/^\s*</.test(text)) throw new GpwError('bad_input', `${url.href}: got an HTML page, not net/http/pprof's command line`);
  return text.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
}
