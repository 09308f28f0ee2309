// Which URL of a target each capture kind fetches, how long the server holds the answer, and
// the file name the artifact keeps.

import type { CaptureKind, CaptureSpec } from '../api/collect-types.js';
import { DELTA_KINDS, PROFILE_NAME, TIMED_KINDS } from '../api/collect-types.js';

export const DEFAULT_SECONDS: Partial<Record<CaptureKind, number>> = { cpu: 30, trace: 5 };

const PATHS: Record<CaptureKind, string> = {
  cpu: 'debug/pprof/profile',
  heap: 'debug/pprof/heap',
  allocs: 'debug/pprof/allocs',
  block: 'debug/pprof/block',
  mutex: 'debug/pprof/mutex',
  goroutine: 'debug/pprof/goroutine',
  threadcreate: 'debug/pprof/threadcreate',
  trace: 'debug/pprof/trace',
  cmdline: 'debug/pprof/cmdline',
  expvar: 'debug/vars',
  metrics: 'metrics',
  // Goroutine dumps as text (?debug=2, added by planCapture), Go 1.26's leak profile the same way,
  // and custom pprof.NewProfile profiles by name (the path ends with the spec's name).
  goroutines: 'debug/pprof/goroutine',
  goroutineleak: 'debug/pprof/goroutineleak',
  profile: 'debug/pprof',
};

const FILE_NAMES: Record<CaptureKind, string> = {
  cpu: 'cpu.pb.gz',
  heap: 'heap.pb.gz',
  allocs: 'allocs.pb.gz',
  block: 'block.pb.gz',
  mutex: 'mutex.pb.gz',
  goroutine: 'goroutine.pb.gz',
  threadcreate: 'threadcreate.pb.gz',
  trace: 'trace.out',
  cmdline: 'cmdline.txt',
  expvar: 'vars.json',
  metrics: 'metrics.txt',
  goroutines: 'goroutines-debug2.txt',
  goroutineleak: 'goroutineleak-debug2.txt',
  profile: 'profile.pb.gz',
};

/** Kinds fetched as debug=2 goroutine dumps (artifact kind 'goroutines'). */
export const DUMP_KINDS: readonly CaptureKind[] = ['goroutines', 'goroutineleak'];

export interface CapturePlan {
  spec: CaptureSpec;
  url: URL;
  /** How long the server records before it answers (0 for instant snapshots). */
  seconds: number;
  fileName: string;
  /** A delta profile: the server's answer must carry a duration, or its Go ignored ?seconds. */
  delta: boolean;
}

/**
 * Normalises a target's base URL: http(s) only, no credentials in it (headers carry those),
 * no query or fragment, and a pasted ".../debug/pprof/" suffix removed. Returns a problem or the URL.
 */
export function parseBaseUrl(text: string): { url: string } | { problem: string } {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return { problem: `"${text}" is not a URL; write it as http://host:port` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { problem: `${u.protocol}// is not supported: the target's URL starts with http:// or https://` };
  if (u.username || u.password) return { problem: 'put credentials in a request header (Authorization), not in the URL' };
  if (u.search || u.hash) return { problem: 'the base URL takes no ?query or #fragment' };
  const path = u.pathname.replace(/\/+$/, '').replace(/\/debug\/pprof$/, '').replace(/\/debug\/vars$/, '').replace(/\/metrics$/, '');
  return { url: `${u.protocol}//${u.host}${path}` };
}

/** Checks a spec's options against its kind; returns a problem for the user or null. */
export function specProblem(spec: CaptureSpec): string | null {
  const timed = TIMED_KINDS.includes(spec.kind);
  if (spec.seconds !== undefined && !timed && !DELTA_KINDS.includes(spec.kind)) return `${spec.kind} is a snapshot and takes no seconds`;
  if (spec.gc && spec.kind !== 'heap') return 'gc=1 applies to the heap profile only';
  if (spec.gc && spec.seconds !== undefined) return 'a delta heap profile (seconds) cannot also ask for gc=1';
  if (spec.kind === 'profile' && !(spec.name && PROFILE_NAME.test(spec.name))) return 'a custom profile capture needs the profile\'s name (letters, digits, _ . -)';
  if (spec.kind !== 'profile' && spec.name !== undefined) return `${spec.kind} takes no name (only a custom profile does)`;
  return null;
}

export function planCapture(baseUrl: string, spec: CaptureSpec): CapturePlan {
  const url = new URL(`${baseUrl}/${PATHS[spec.kind]}${spec.kind === 'profile' ? `/${spec.name}` : ''}`);
  if (DUMP_KINDS.includes(spec.kind)) url.searchParams.set('debug', '2');
  const timed = TIMED_KINDS.includes(spec.kind);
  const seconds = spec.seconds ?? (timed ? DEFAULT_SECONDS[spec.kind]! : 0);
  if (seconds > 0) url.searchParams.set('seconds', String(seconds));
  if (spec.gc) url.searchParams.set('gc', '1');
  const fileName = spec.kind === 'profile' ? `${spec.name}.pb.gz` : FILE_NAMES[spec.kind];
  return { spec, url, seconds, fileName, delta: !timed && seconds > 0 };
}
