// Collection from /debug/pprof endpoints as the engine offers it: saved targets (headers kept
// by a SecretStore), capture jobs polled for progress, schedules and the capture history.
// The engine delegates its collection methods here; captured bytes go through the same
// readers as imported files (the engine's prepare) and land as one run per capture.

import type { ArgsOf } from '../api/contract.js';
import {
  DEFAULT_TIMEOUT_SECONDS, type CaptureHistoryEntry, type CaptureJobStatus, type CaptureResult, type CaptureSchedule, type CaptureSpec, type CollectInfo, type Target,
} from '../api/collect-types.js';
import { GpwError } from '../api/errors.js';
import type { Library, NewArtifact } from '../library/library.js';
import { newId } from '../library/library.js';
import { writeTransaction } from '../library/write-transaction.js';
import { CaptureJob, type CaptureTarget, type CaptureVia } from '../collect/capture-job.js';
import { parseBaseUrl, specProblem } from '../collect/capture-kinds.js';
import { CollectStore, type TargetRecord } from '../collect/collect-store.js';
import { CaptureScheduler } from '../collect/scheduler.js';
import { MemorySecretStore, SealedSecretStore, type SecretCipher, type SecretStore } from '../collect/secret-store.js';

export const DEFAULT_MAX_BODY_BYTES = 256 * 2 ** 20;
/** Capture jobs kept for polling (running ones are never dropped). */
export const MAX_JOBS = 64;

export interface CaptureServiceOptions {
  /** OS keychain encryption (Electron safeStorage); without it headers stay in memory for the session. */
  cipher?: SecretCipher;
  /** Run saved schedules while this process lives (the app and gpw serve). */
  runSchedules?: boolean;
  /** How to reach a target through an SSH host (for schedules with `via`); throws if it cannot. */
  through?: (host: string) => CaptureVia;
}

export interface StartOptions {
  run?: string;
  labels?: Record<string, string>;
  scheduleId?: string | null;
  /** Name the run "<run or target> <UTC time>" (always so for scheduled runs). */
  stampRun?: boolean;
  /** Reach the target through an SSH host's port forward. */
  via?: CaptureVia;
}

type Prepare = (input: { name: string; source: string; bytes: Uint8Array }) => Promise<NewArtifact>;

export class CaptureService {
  readonly store: CollectStore;
  readonly secrets: SecretStore;
  private readonly jobs = new Map<string, CaptureJob>();
  private readonly scheduler: CaptureScheduler;

  constructor(
    private readonly library: Library,
    private readonly prepare: Prepare,
    private readonly options: CaptureServiceOptions = {},
  ) {
    this.store = new CollectStore(library.db);
    this.secrets = options.cipher ? new SealedSecretStore(options.cipher, this.store) : new MemorySecretStore();
    this.scheduler = new CaptureScheduler(() => this.store.listSchedules(), (s) => this.fireSchedule(s));
    if (options.runSchedules) this.scheduler.start();
  }

  /** Stops the schedules and cancels running captures (nothing half-written), bounded in time. */
  async close(): Promise<void> {
    this.scheduler.stop();
    const running = [...this.jobs.values()].filter((j) => j.running);
    for (const j of running) j.cancel();
    await Promise.race([Promise.allSettled(running.map((j) => j.done)), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  // ---- contract methods ----

  async collectInfo(): Promise<CollectInfo> {
    return { headerStorage: this.secrets.storage, headerStorageNote: this.secrets.note, schedulesRunning: this.scheduler.active };
  }

  async listTargets(): Promise<Target[]> {
    return this.store.listTargets().map((t) => this.publicTarget(t));
  }

  async saveTarget(args: ArgsOf<'saveTarget'>): Promise<Target> {
    const parsed = parseBaseUrl(args.baseUrl);
    if ('problem' in parsed) throw new GpwError('invalid_argument', `baseUrl: ${parsed.problem}`);
    const existing = args.id ? this.store.getTarget(args.id) : null;
    if (args.id && !existing) throw new GpwError('not_found', `no target ${args.id}`);
    const sameName = this.store.targetByName(args.name);
    if (sameName && sameName.id !== args.id) throw new GpwError('invalid_argument', `a target named "${args.name}" exists already`);
    const headerNames = args.headers ? Object.keys(args.headers) : args.clearHeaders ? [] : (existing?.headerNames ?? []);
    const tls = {
      ...(args.caPem ? { caPem: args.caPem } : !args.clearCa && existing?.tls.caPem ? { caPem: existing.tls.caPem } : {}),
      ...(args.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    };
    if (tls.caPem && !/-----BEGIN CERTIFICATE-----/.test(tls.caPem)) throw new GpwError('invalid_argument', 'caPem: not a PEM certificate (-----BEGIN CERTIFICATE-----)');
    const id = this.store.saveTarget(
      {
        name: args.name,
        baseUrl: parsed.url,
        labels: args.labels ?? existing?.labels ?? {},
        headerNames,
        tls,
        timeoutSeconds: args.timeoutSeconds ?? existing?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
        maxBodyBytes: args.maxBodyMiB !== undefined ? args.maxBodyMiB * 2 ** 20 : (existing?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
      },
      args.id,
    );
    if (args.headers) this.secrets.set(id, args.headers);
    else if (args.clearHeaders) this.secrets.delete(id);
    this.scheduler.reload();
    return this.publicTarget(this.store.getTarget(id)!);
  }

  async deleteTarget({ id }: { id: string }): Promise<{ deleted: boolean }> {
    this.secrets.delete(id);
    const deleted = this.store.deleteTarget(id);
    this.scheduler.reload();
    return { deleted };
  }

  async startCapture(args: ArgsOf<'startCapture'>): Promise<{ jobId: string }> {
    const target = this.resolveTarget(args);
    return { jobId: this.startJob(target, args.kinds, { run: args.run, labels: args.labels }).id };
  }

  async captureStatus({ jobId }: { jobId: string }): Promise<CaptureJobStatus> {
    return this.requireJob(jobId).status();
  }

  async cancelCapture({ jobId }: { jobId: string }): Promise<CaptureJobStatus> {
    const job = this.requireJob(jobId);
    job.cancel();
    await job.done.catch(() => undefined);
    return job.status();
  }

  async listCaptureJobs(): Promise<CaptureJobStatus[]> {
    return [...this.jobs.values()].map((j) => j.status()).sort((a, b) => b.startedAt - a.startedAt);
  }

  async listSchedules(): Promise<CaptureSchedule[]> {
    return this.store.listSchedules();
  }

  async saveSchedule(args: ArgsOf<'saveSchedule'>): Promise<CaptureSchedule> {
    if (!this.store.getTarget(args.targetId)) throw new GpwError('not_found', `no target ${args.targetId}`);
    if (args.id && !this.store.getSchedule(args.id)) throw new GpwError('not_found', `no schedule ${args.id}`);
    checkSpecs(args.kinds);
    if (args.via !== undefined && !this.options.through) throw new GpwError('unavailable', 'this gpw cannot capture through SSH hosts');
    const id = this.store.saveSchedule(
      { targetId: args.targetId, specs: args.kinds, everySeconds: args.everySeconds, enabled: args.enabled ?? true, via: args.via ?? null, run: args.run ?? null, labels: args.labels ?? {} },
      args.id,
    );
    this.scheduler.reload();
    return this.store.getSchedule(id)!;
  }

  async deleteSchedule({ id }: { id: string }): Promise<{ deleted: boolean }> {
    const deleted = this.store.deleteSchedule(id);
    this.scheduler.reload();
    return { deleted };
  }

  async captureHistory(args: ArgsOf<'captureHistory'>): Promise<CaptureHistoryEntry[]> {
    return this.store.history(args);
  }

  // ---- for the CLI and the SSH transport ----

  /** A saved target by id or name, or an ad-hoc one for a URL, with its headers. */
  resolveTarget(args: { targetId?: string; url?: string }): CaptureTarget {
    if ((args.targetId === undefined) === (args.url === undefined)) throw new GpwError('invalid_argument', 'give either a saved target or a URL');
    if (args.targetId !== undefined) {
      const t = this.store.getTarget(args.targetId) ?? this.store.targetByName(args.targetId);
      if (!t) throw new GpwError('not_found', `no saved target ${args.targetId}`);
      return { ...t, headers: this.secrets.get(t.id) };
    }
    return adHocTarget(args.url!);
  }

  /** Starts a capture run; poll job.status(), await job.done. */
  startJob(target: CaptureTarget, specs: CaptureSpec[], opts: StartOptions = {}): CaptureJob {
    checkSpecs(specs);
    this.evictFinishedJobs();
    if (this.jobs.size >= MAX_JOBS) throw new GpwError('unavailable', `${MAX_JOBS} captures are running already; wait for one to finish`);
    const run = opts.run && !opts.stampRun ? opts.run : this.freeRunName(`${opts.run ?? target.name} ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`);
    const job = new CaptureJob(newId(), target, specs, run, opts.labels ?? {}, opts.scheduleId ?? null, {
      prepare: (input) => this.prepare(input),
      commit: (items, j, result) => this.commit(items, j, result),
      record: (j, result, status) => this.record(j, result, status, null),
      via: opts.via,
    });
    this.jobs.set(job.id, job);
    job.done.catch(() => undefined);
    return job;
  }

  // ---- internals ----

  private commit(items: NewArtifact[], job: CaptureJob, result: CaptureResult) {
    return writeTransaction(this.library.db, () => {
      const stored = this.library.addArtifacts(items, job.run);
      const refs = stored.map((a) => ({ id: a.id, kind: a.kind, subtype: a.subtype, source: a.source }));
      this.record(job, { ...result, artifacts: refs }, result.failures.length ? 'partial' : 'done', this.store.runIdOf(job.run));
      return stored;
    });
  }

  private record(job: CaptureJob, result: CaptureResult, status: CaptureHistoryEntry['status'], runId: string | null): void {
    this.store.addHistory({
      targetId: job.target.id && this.store.getTarget(job.target.id) ? job.target.id : null,
      targetName: job.target.name,
      scheduleId: job.scheduleId,
      runId,
      run: job.run,
      baseUrl: job.target.baseUrl,
      via: job.via,
      specs: job.specs,
      startedAt: job.startedAt,
      finishedAt: Date.now(),
      status,
      artifacts: result.artifacts,
      failures: result.failures,
      cmdline: result.cmdline ?? null,
    });
  }

  private fireSchedule(s: CaptureSchedule): void {
    const now = Date.now();
    this.store.markScheduleRun(s.id, now);
    const busy = [...this.jobs.values()].some((j) => j.running && j.scheduleId === s.id);
    try {
      if (busy) throw new GpwError('unavailable', `skipped: the previous capture of this schedule (every ${s.everySeconds} s) was still running`);
      // Through a host: its connection must be up (connected in the app); otherwise the tick
      // is a failed entry saying so.
      if (s.via !== null && !this.options.through) throw new GpwError('unavailable', `this gpw cannot capture through the SSH host ${s.via}`);
      const via = s.via !== null ? this.options.through!(s.via) : undefined;
      const labels = { ...s.labels, ...(s.via !== null ? { via: s.via } : {}) };
      this.startJob(this.resolveTarget({ targetId: s.targetId }), s.specs, { scheduleId: s.id, stampRun: true, via, run: s.run ?? undefined, labels });
    } catch (err) {
      // Record why a tick took nothing, so the history shows it.
      const message = err instanceof Error ? err.message : String(err);
      this.store.addHistory({
        targetId: s.targetId, targetName: s.targetName, scheduleId: s.id, runId: null, run: '', baseUrl: this.store.getTarget(s.targetId)?.baseUrl ?? '', via: s.via,
        specs: s.specs, startedAt: now, finishedAt: now, status: 'failed', artifacts: [],
        failures: s.specs.map((spec) => ({ kind: spec.kind, source: '', message })), cmdline: null,
      });
    }
  }

  /** The name, or the name with " #2", " #3" … when a run of that name exists or is being captured. */
  private freeRunName(name: string): string {
    const taken = (n: string): boolean => this.store.runIdOf(n) !== null || [...this.jobs.values()].some((j) => j.running && j.run === n);
    let candidate = name;
    for (let n = 2; taken(candidate); n++) candidate = `${name} #${n}`;
    return candidate;
  }

  private evictFinishedJobs(): void {
    if (this.jobs.size < MAX_JOBS) return;
    const finished = [...this.jobs.values()].filter((j) => !j.running).sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    for (const j of finished.slice(0, this.jobs.size - MAX_JOBS + 1)) this.jobs.delete(j.id);
  }

  private requireJob(jobId: string): CaptureJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new GpwError('not_found', `no capture job ${jobId} (finished jobs are kept for the last ${MAX_JOBS})`);
    return job;
  }

  private publicTarget(t: TargetRecord): Target {
    return { ...t, headerStorage: this.secrets.storage };
  }
}

function checkSpecs(specs: CaptureSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    const problem = specProblem(s);
    if (problem) throw new GpwError('invalid_argument', problem);
    const key = s.kind === 'profile' ? `profile ${s.name}` : s.kind;
    if (seen.has(key)) throw new GpwError('invalid_argument', `${key} is asked for twice in one run (the server can record one at a time)`);
    seen.add(key);
  }
}

function adHocTarget(url: string): CaptureTarget {
  const parsed = parseBaseUrl(url);
  if ('problem' in parsed) throw new GpwError('invalid_argument', `${url}: ${parsed.problem}`);
  return {
    id: null,
    name: new URL(parsed.url).host,
    baseUrl: parsed.url,
    labels: {},
    headers: {},
    tls: {},
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  };
}
