// Shapes of collection from /debug/pprof endpoints that cross the contract: saved targets,
// capture jobs and their progress, schedules and the capture history.

/** What one capture fetches from a target (see src-main/collect/capture-kinds.ts for the URLs). */
export const CAPTURE_KINDS = ['cpu', 'heap', 'allocs', 'block', 'mutex', 'goroutine', 'threadcreate', 'trace', 'cmdline', 'expvar', 'metrics', 'goroutines', 'goroutineleak', 'profile'] as const;
export type CaptureKind = (typeof CAPTURE_KINDS)[number];

/** Profiles that take ?seconds=N as a delta over that window (net/http/pprof, Go 1.16+). */
export const DELTA_KINDS: readonly CaptureKind[] = ['heap', 'allocs', 'block', 'mutex'];
/** Captures that always run for a number of seconds. */
export const TIMED_KINDS: readonly CaptureKind[] = ['cpu', 'trace'];
/** Most captures of one kind in a row (gpw capture --repeat). */
export const MAX_CAPTURE_REPEAT = 100;
/** A target's request timeout when it names none (here, not in the capture service, so the CLI can name it without loading the service). */
export const DEFAULT_TIMEOUT_SECONDS = 30;

export interface CaptureSpec {
  kind: CaptureKind;
  /** cpu and trace: how long to record (defaults 30 and 5); heap/allocs/block/mutex: a delta over this window. */
  seconds?: number;
  /** heap only: run a GC first (?gc=1). */
  gc?: boolean;
  /** Take this many in a row (e.g. 6 CPU profiles of 10 s, for run statistics); default 1. */
  repeat?: number;
  /** profile only: the name of a custom pprof.NewProfile profile (/debug/pprof/NAME). */
  name?: string;
}

/** A custom profile's name as /debug/pprof/NAME takes it. */
export const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface TargetTls {
  /** PEM of the CA (or self-signed certificate) to trust for this target. */
  caPem?: string;
  /** Skip certificate verification: only when the user turned it on for this target. */
  insecureSkipVerify?: boolean;
}

export interface Target {
  id: string;
  name: string;
  /** http(s)://host:port[/prefix]: gpw fetches <base>/debug/pprof/…, <base>/debug/vars, <base>/metrics. */
  baseUrl: string;
  labels: Record<string, string>;
  /** Names of the request headers kept for this target; their values never leave the main process. */
  headerNames: string[];
  /** Where those header values are kept: the OS keychain (Electron) or this session's memory only. */
  headerStorage: 'os-keychain' | 'session-memory';
  tls: TargetTls;
  /** Allowed wait beyond the requested seconds for an answer, and the longest pause in a download. */
  timeoutSeconds: number;
  /** Largest response body accepted. */
  maxBodyBytes: number;
  createdAt: number;
}

export type CaptureItemPhase = 'queued' | 'connecting' | 'collecting' | 'downloading' | 'checking' | 'done' | 'failed' | 'cancelled';
export type CaptureJobPhase = 'running' | 'done' | 'failed' | 'cancelled';

export interface CaptureItemStatus {
  kind: CaptureKind;
  source: string;
  phase: CaptureItemPhase;
  /** 0…1: the requested seconds first, then the download. */
  fraction: number;
  bytes: number;
  /** Content-Length, when the server sent one. */
  totalBytes: number | null;
  error?: string;
  artifactId?: string;
}

export interface CapturedArtifactRef {
  id: string;
  kind: string;
  subtype: string | null;
  source: string;
}

export interface CaptureFailure {
  kind: CaptureKind;
  source: string;
  message: string;
}

export interface CaptureResult {
  run: string;
  artifacts: CapturedArtifactRef[];
  failures: CaptureFailure[];
  /** The target's command line (/debug/pprof/cmdline), when captured. */
  cmdline?: string[];
}

export interface CaptureJobStatus {
  jobId: string;
  targetId: string | null;
  targetName: string;
  baseUrl: string;
  /** The SSH host whose port forward the run goes through, or null (a direct connection). */
  via: string | null;
  run: string;
  startedAt: number;
  phase: CaptureJobPhase;
  fraction: number;
  bytes: number;
  items: CaptureItemStatus[];
  error?: string;
  result?: CaptureResult;
}

export interface CaptureSchedule {
  id: string;
  targetId: string;
  targetName: string;
  specs: CaptureSpec[];
  everySeconds: number;
  enabled: boolean;
  /** The SSH host whose port forward each tick captures through, or null. */
  via: string | null;
  /** The name each tick's run starts with (then the time), or null for the target's name. */
  run: string | null;
  /** Labels given to every artifact a tick captures. */
  labels: Record<string, string>;
  createdAt: number;
  lastRunAt: number | null;
}

export interface CaptureHistoryEntry {
  id: string;
  targetId: string | null;
  targetName: string;
  scheduleId: string | null;
  run: string;
  baseUrl: string;
  /** The SSH host the run went through (its port forward), or null. */
  via: string | null;
  specs: CaptureSpec[];
  startedAt: number;
  finishedAt: number;
  /** done: everything landed; partial: some captures failed; failed: nothing landed. */
  status: 'done' | 'partial' | 'failed' | 'cancelled';
  artifacts: CapturedArtifactRef[];
  failures: CaptureFailure[];
  cmdline: string[] | null;
}

export interface CollectInfo {
  headerStorage: 'os-keychain' | 'session-memory';
  /** One sentence for the UI on where header values are kept. */
  headerStorageNote: string;
  schedulesRunning: boolean;
}
