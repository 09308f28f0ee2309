// The engine's SSH part: hosts (from ~/.ssh/config and added in the app), connections kept
// open in memory, process lists, perf preflight and recordings, GC-trace runs, and the
// connect hook that carries HTTP captures through an SSH port forward.

import { join } from 'node:path';
import { homedir, userInfo } from 'node:os';
import type Database from 'better-sqlite3';
import { GpwError } from '../api/errors.js';
import type { Artifact, ImportResult } from '../api/types.js';
import type { PerfPreflight, SshConnectResult, SshGcRunOptions, SshHost, SshJobStatus, SshPerfOptions, SshProcess } from '../api/ssh-types.js';
import { HostStore } from '../collect/ssh/host-store.js';
import { configuredHosts, parseDestination, readSshConfig, resolveHost, type ResolvedHost } from '../collect/ssh/ssh-config.js';
import type { ConnectSecrets, HopSpec } from '../collect/ssh/ssh-connect.js';
import type { SshConnection } from '../collect/ssh/ssh-connection.js';
import { listProcesses } from '../collect/ssh/processes.js';
import { checkPerfOptions, perfPreflight, recordPerf } from '../collect/ssh/perf-remote.js';
import { checkGcRunOptions, runWithGcTrace } from '../collect/ssh/gc-run.js';
import { SshJobs } from '../collect/ssh/ssh-jobs.js';
import type { Duplex } from 'node:stream';

export interface CapturedInput {
  name: string;
  source: string;
  bytes: Uint8Array;
}

export interface SshServiceOptions {
  db: Database.Database;
  /** gpw's own known_hosts (consented keys are recorded here). */
  knownHostsFile: string;
  /** The user's ~/.ssh (config, known_hosts, default keys). */
  sshDir?: string;
  /** ssh-agent socket; default $SSH_AUTH_SOCK. */
  agentSocket?: string;
  /** Imports captured bytes through the format registry, in one transaction. */
  importCaptured(inputs: CapturedInput[], options: { labels?: Record<string, string>; run?: string }): Promise<ImportResult>;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export interface JobImportOptions {
  labels?: Record<string, string>;
  run?: string;
}

export class SshService {
  private readonly hosts: HostStore;
  private readonly connections = new Map<string, SshConnection>();
  private readonly jobs = new SshJobs();
  private readonly sshDir: string;
  private readonly localUser: string;

  constructor(private readonly options: SshServiceOptions) {
    this.hosts = new HostStore(options.db);
    this.sshDir = options.sshDir ?? join(homedir(), '.ssh');
    this.localUser = userInfo().username;
  }

  async close(): Promise<void> {
    await this.jobs.closeAll();
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }

  // ---- hosts ----

  listHosts(): SshHost[] {
    const blocks = readSshConfig(this.sshDir);
    const fromConfig = configuredHosts(blocks).map((alias) => this.describe(resolveHost(blocks, alias, this.localUser, homedir()), 'ssh-config'));
    const fromApp = this.hosts.list().map((h) => this.describe(this.resolve(h.name), 'app'));
    const appNames = new Set(fromApp.map((h) => h.name));
    return [...fromApp, ...fromConfig.filter((h) => !appNames.has(h.name))];
  }

  addHost(h: { name: string; hostName: string; user?: string; port?: number; proxyJump?: string[] }): SshHost {
    this.hosts.put({ name: h.name, hostName: h.hostName, user: h.user ?? null, port: h.port ?? 22, proxyJump: h.proxyJump ?? [] });
    this.disconnect(h.name);
    return this.describe(this.resolve(h.name), 'app');
  }

  removeHost(name: string): { removed: boolean } {
    this.disconnect(name);
    return { removed: this.hosts.remove(name) };
  }

  private describe(r: ResolvedHost, source: SshHost['source']): SshHost {
    return {
      name: r.alias,
      hostName: r.hostName,
      user: r.user,
      port: r.port,
      proxyJump: r.proxyJump,
      identityFiles: r.identityFiles.map((f) => f.slice(f.lastIndexOf('/') + 1)),
      source,
      connected: this.connections.get(r.alias)?.isOpen === true,
    };
  }

  /** A host by app name, ~/.ssh/config alias, or [user@]host[:port], with the config's options applied. */
  private resolve(name: string): ResolvedHost {
    const blocks = readSshConfig(this.sshDir);
    const stored = this.hosts.get(name);
    if (stored) {
      const base = resolveHost(blocks, stored.hostName, this.localUser, homedir());
      return { ...base, alias: name, hostName: stored.hostName, user: stored.user ?? base.user, port: stored.port, proxyJump: stored.proxyJump.length ? stored.proxyJump : base.proxyJump };
    }
    const dest = parseDestination(name);
    const r = resolveHost(blocks, dest.host, this.localUser, homedir());
    return { ...r, alias: name, user: dest.user ?? r.user, port: dest.port ?? r.port };
  }

  private hop(r: ResolvedHost): HopSpec {
    const defaults = r.identitiesOnly ? [] : DEFAULT_KEYS.map((k) => join(this.sshDir, k));
    return { label: r.alias, hostName: r.hostName, port: r.port, user: r.user ?? this.localUser, identityFiles: [...new Set([...r.identityFiles, ...defaults])] };
  }

  /** The jump hosts (each resolved through the config and app hosts too) and then the host. */
  private hops(name: string, seen: Set<string> = new Set()): HopSpec[] {
    if (seen.has(name) || seen.size > 8) throw new GpwError('invalid_argument', `ProxyJump of ${name} loops or is longer than 8 hosts`);
    seen.add(name);
    const r = this.resolve(name);
    const jumps = r.proxyJump.flatMap((j) => this.hops(j, seen));
    return [...jumps, this.hop(r)];
  }

  // ---- connections ----

  async connect(name: string, secrets: ConnectSecrets): Promise<SshConnectResult> {
    const existing = this.connections.get(name);
    if (existing?.isOpen) return { status: 'connected', host: name };
    // ssh2 is loaded when a connection is opened, not by every gpw command that starts the engine.
    const { connectHops } = await import('../collect/ssh/ssh-connect.js');
    const outcome = await connectHops(this.hops(name), secrets, {
      knownHostsFiles: [join(this.sshDir, 'known_hosts'), this.options.knownHostsFile],
      recordTo: this.options.knownHostsFile,
      agentSocket: this.options.agentSocket ?? process.env.SSH_AUTH_SOCK,
    });
    if (outcome.status !== 'connected') return outcome.status === 'needs_passphrase' ? { ...outcome, host: name } : outcome;
    this.connections.set(name, outcome.connection);
    return { status: 'connected', host: name };
  }

  disconnect(name: string): { disconnected: boolean } {
    const c = this.connections.get(name);
    c?.close();
    this.connections.delete(name);
    return { disconnected: c !== undefined };
  }

  private connection(name: string): SshConnection {
    const c = this.connections.get(name);
    if (!c?.isOpen) {
      this.connections.delete(name);
      throw new GpwError('unavailable', `not connected to ${name}: connect first (sshConnect)`);
    }
    return c;
  }

  /** For HTTP captures through this host: opens host:port as seen from the remote host. */
  connectHook(name: string): (target: { host: string; port: number }) => Promise<Duplex> {
    const conn = this.connection(name);
    return ({ host, port }) => conn.forwardOut(host, port);
  }

  /**
   * A file of the host read over SFTP (no shell): `path` absolute and plain (no "..", no control
   * characters), at most `maxBytes`; for source files and binaries of profiles captured through it.
   */
  async readFile(name: string, path: string, maxBytes: number): Promise<Buffer> {
    if (!/^\/[^\0-\x1f\x7f]{0,4095}$/.test(path) || path.split('/').some((c) => c === '..' || c === '.')) {
      throw new GpwError('invalid_argument', `${JSON.stringify(path.slice(0, 200))} is not a plain absolute path`);
    }
    const conn = this.connection(name);
    try {
      return await conn.readWhole(path, maxBytes);
    } catch (err) {
      if (err instanceof GpwError) throw err;
      throw new GpwError('not_found', `${name}:${path}: ${(err as Error).message}`);
    }
  }

  // ---- remote work ----

  processes(name: string): Promise<SshProcess[]> {
    return listProcesses(this.connection(name));
  }

  perfPreflight(name: string, opts: { pid?: number; systemWide?: boolean }): Promise<PerfPreflight> {
    return perfPreflight(this.connection(name), opts);
  }

  startPerf(name: string, opts: SshPerfOptions, imp: JobImportOptions = {}): SshJobStatus {
    checkPerfOptions(opts);
    const conn = this.connection(name);
    return this.jobs.start(name, 'perf', async (ctl) => {
      ctl.setPhase('checking', 0, 0);
      const pre = await perfPreflight(conn, opts);
      if (!pre.canRecord) {
        const blocks = pre.checks.filter((c) => c.level === 'block');
        throw new GpwError('unavailable', blocks.map((c) => `${c.what}${c.advice ? ` (${c.advice})` : ''}`).join('; '));
      }
      const rec = await recordPerf(conn, opts, { signal: ctl.signal, onPhase: (p, f, b) => ctl.setPhase(p, f, b) });
      ctl.setPhase('importing', 0.95, 0);
      const what = opts.systemWide ? 'all' : `pid${opts.pid}`;
      const labels: Record<string, string> = { host: name, ...(opts.systemWide ? { scope: 'system' } : { pid: String(opts.pid) }), ...imp.labels };
      if (pre.target?.exe) labels.exe = pre.target.exe.slice(0, 1024);
      const result = await this.options.importCaptured(
        [{ name: `perf-${safeName(name)}-${what}.perf.txt`, source: `ssh://${name} ${rec.command}`, bytes: rec.text }],
        { labels, run: imp.run },
      );
      return result.artifacts;
    });
  }

  startGcRun(name: string, opts: SshGcRunOptions, imp: JobImportOptions = {}): SshJobStatus {
    const env = checkGcRunOptions(opts);
    const conn = this.connection(name);
    return this.jobs.start(name, 'gc-run', async (ctl) => {
      ctl.setPhase('running', 0, 0);
      const out = await runWithGcTrace(conn, opts, { signal: ctl.signal, onPhase: (p, f, b) => ctl.setPhase(p, f, b) });
      ctl.setPhase('importing', 0.97, out.log.length);
      const labels: Record<string, string> = { host: name, godebug: env.godebug, ...imp.labels };
      if (env.gogc) labels.gogc = env.gogc;
      if (env.gomemlimit) labels.gomemlimit = env.gomemlimit;
      if (out.exitStatus !== null) labels.exit = String(out.exitStatus);
      labels.ended = out.stoppedAtLimit ? 'time-limit' : 'exited';
      const program = opts.argv[0].slice(opts.argv[0].lastIndexOf('/') + 1);
      const result = await this.options.importCaptured(
        [{ name: `gctrace-${safeName(name)}-${safeName(program)}.log`, source: `ssh://${name} ${opts.argv.join(' ').slice(0, 2000)}`, bytes: out.log }],
        { labels, run: imp.run },
      );
      return result.artifacts;
    });
  }

  jobStatus(jobId: string): SshJobStatus {
    return this.jobs.status(jobId);
  }

  listJobs(): SshJobStatus[] {
    return this.jobs.list();
  }

  cancelJob(jobId: string): Promise<SshJobStatus> {
    return this.jobs.cancel(jobId);
  }
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64);

