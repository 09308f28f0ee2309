// The contract's SSH methods (spread into `contract` in contract.ts): argument schemas that
// bound every string, number and array the renderer may send. The renderer names hosts, never
// paths; secrets (passphrase, password) travel per call and are kept only in memory.

import { array, boolean, integer, object, oneOf, optional, string, type Infer, type Schema, method, type Method } from './schema.js';
import { PERF_CALL_GRAPHS, PERF_EVENTS } from './ssh-types.js';
import type { PerfPreflight, SshConnectResult, SshHost, SshJobStatus, SshProcess } from './ssh-types.js';


/** A host: an app name, a ~/.ssh/config alias, or [user@]host[:port]. */
export const sshHostArg = string({ min: 1, max: 255, pattern: /^[A-Za-z0-9_.@:[\]-]+$/ });
const host = sshHostArg;
const hostName = string({ min: 1, max: 253, pattern: /^[A-Za-z0-9_.:-]+$/ });
const hostDisplayName = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_.-]+$/ });
const user = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/ });
const jobId = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const run = optional(string({ min: 1, max: 256 }));
const pid = integer({ min: 1, max: 4_194_304 });

const addHostArgs = object({
  name: hostDisplayName,
  hostName,
  user: optional(user),
  port: optional(integer({ min: 1, max: 65535 })),
  proxyJump: optional(array(host, { max: 8 })),
});
const connectArgs = object({
  host,
  /** The fingerprint the user accepted (SHA256:…), after a host_key_unknown answer. */
  acceptHostKey: optional(string({ min: 8, max: 128, pattern: /^SHA256:[A-Za-z0-9+/]+$/ })),
  passphrase: optional(string({ max: 1024 })),
  password: optional(string({ max: 1024 })),
});
const preflightArgs = object({ host, pid: optional(pid), systemWide: optional(boolean()) });
const perfArgs = object({
  host,
  pid: optional(pid),
  systemWide: optional(boolean()),
  seconds: integer({ min: 1, max: 3600 }),
  frequency: optional(integer({ min: 1, max: 50_000 })),
  event: optional(oneOf(PERF_EVENTS)),
  callGraph: optional(oneOf(PERF_CALL_GRAPHS)),
  run,
});
const gcRunArgs = object({
  host,
  argv: array(string({ min: 1, max: 4096 }), { min: 1, max: 64 }),
  godebug: optional(string({ min: 1, max: 256 })),
  gogc: optional(string({ min: 1, max: 8 })),
  gomemlimit: optional(string({ min: 1, max: 24 })),
  seconds: integer({ min: 1, max: 86_400 }),
  run,
});

export const sshMethods = {
  sshHosts: method<Record<string, never>, SshHost[]>(object({})),
  sshAddHost: method<Infer<typeof addHostArgs>, SshHost>(addHostArgs),
  sshRemoveHost: method<{ host: string }, { removed: boolean }>(object({ host })),
  /** Connects (or reports what it needs: host-key consent, a passphrase, a password). */
  sshConnect: method<Infer<typeof connectArgs>, SshConnectResult>(connectArgs),
  sshDisconnect: method<{ host: string }, { disconnected: boolean }>(object({ host })),
  sshProcesses: method<{ host: string }, SshProcess[]>(object({ host })),
  sshPerfPreflight: method<Infer<typeof preflightArgs>, PerfPreflight>(preflightArgs),
  sshPerfStart: method<Infer<typeof perfArgs>, SshJobStatus>(perfArgs),
  sshGcRunStart: method<Infer<typeof gcRunArgs>, SshJobStatus>(gcRunArgs),
  sshJobStatus: method<{ jobId: string }, SshJobStatus>(object({ jobId })),
  sshJobs: method<Record<string, never>, SshJobStatus[]>(object({})),
  sshCancelJob: method<{ jobId: string }, SshJobStatus>(object({ jobId })),
};
