// Shapes of SSH collection that cross the contract: hosts, connection outcomes (host-key
// consent, passphrase and password prompts), remote processes, perf preflight, remote jobs.

import type { Artifact } from './types.js';

export interface SshHost {
  /** What gpw calls the host: a Host alias from ~/.ssh/config or the name given in the app. */
  name: string;
  hostName: string;
  user: string | null;
  port: number;
  /** ProxyJump hosts, in order. */
  proxyJump: string[];
  /** Key files named for this host (file names only; the UI never handles paths). */
  identityFiles: string[];
  source: 'ssh-config' | 'app';
  connected: boolean;
}

/** What a connect attempt needs from the user next, or that it is connected. */
export type SshConnectResult =
  | { status: 'connected'; host: string }
  /** The server's key is not in known_hosts: ask the user, then call again with acceptHostKey = fingerprint. */
  | { status: 'host_key_unknown'; host: string; keyType: string; fingerprint: string; otherTypesKnown: string[] }
  /** An encrypted key file needs its passphrase (kept in memory for this call only). */
  | { status: 'needs_passphrase'; host: string; keyFile: string }
  | { status: 'needs_password'; host: string };

export interface SshProcess {
  pid: number;
  user: string;
  /** ps's %CPU (CPU time over the process's lifetime). */
  cpuPercent: number;
  rssKiB: number;
  command: string;
  /** The executable (readlink /proc/PID/exe), when readable. */
  exe: string | null;
  /** From the binary's ELF sections (.go.buildinfo, .gopclntab); null when unreadable. */
  isGo: boolean | null;
  goVersion: string | null;
  hasSymbols: boolean | null;
}

export interface PreflightCheck {
  level: 'ok' | 'warn' | 'block';
  what: string;
  advice?: string;
}

export interface PerfPreflight {
  host: string;
  perfPath: string | null;
  perfVersion: string | null;
  paranoid: number | null;
  kptrRestrict: number | null;
  uid: number | null;
  target: { pid: number; exe: string | null; uid: number | null; isGo: boolean | null; goVersion: string | null; hasSymbols: boolean | null } | null;
  checks: PreflightCheck[];
  /** No check blocks recording. */
  canRecord: boolean;
}

export const PERF_EVENTS = ['cpu-clock', 'task-clock', 'cycles', 'instructions', 'cache-misses', 'branch-misses', 'page-faults', 'context-switches'] as const;
export type PerfEvent = (typeof PERF_EVENTS)[number];
/** fp is perf's -g: right for Go, which keeps frame pointers. */
export const PERF_CALL_GRAPHS = ['fp', 'dwarf', 'lbr'] as const;
export type PerfCallGraph = (typeof PERF_CALL_GRAPHS)[number];

export interface SshPerfOptions {
  /** A process to record, or systemWide. */
  pid?: number;
  systemWide?: boolean;
  seconds: number;
  /** perf record -F (default 99). */
  frequency?: number;
  event?: PerfEvent;
  callGraph?: PerfCallGraph;
}

export interface SshGcRunOptions {
  /** The program and its arguments, each passed as one quoted word. */
  argv: string[];
  /** GODEBUG (must turn gctrace on; default gctrace=1). */
  godebug?: string;
  gogc?: string;
  gomemlimit?: string;
  /** Stop the program after this many seconds (it may end sooner). */
  seconds: number;
}

export type SshJobPhase = 'connecting' | 'checking' | 'recording' | 'converting' | 'transferring' | 'running' | 'importing' | 'done' | 'failed' | 'cancelled';

export interface SshJobStatus {
  jobId: string;
  host: string;
  kind: 'perf' | 'gc-run';
  phase: SshJobPhase;
  /** 0…1 */
  fraction: number;
  /** Bytes received so far. */
  bytes: number;
  startedAt: number;
  finishedAt: number | null;
  error?: string;
  artifacts: Artifact[];
}
