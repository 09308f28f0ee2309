// One capture run: several captures against one target at once (e.g. CPU 30 s + trace 5 s +
// heap + goroutine), each checked by the same readers as imported files, then written as one
// run in one transaction. Progress is read by polling status(); cancel() stops everything and
// writes nothing.

import { setMaxListeners } from 'node:events';
import type { Artifact } from '../api/types.js';
import type { CaptureFailure, CaptureItemStatus, CaptureJobStatus, CaptureResult, CaptureSpec, TargetTls } from '../api/collect-types.js';
import { GpwError } from '../api/errors.js';
import type { NewArtifact } from '../library/library.js';
import { planCapture, type CapturePlan } from './capture-kinds.js';
import { explainHttpStatus } from './capture-errors.js';
import { httpGet, isCancellation, type ConnectHook } from './http-get.js';
import { checkCapturedArtifact, parseCmdline } from './capture-checks.js';

/** What a run needs to know about where it captures from (a saved target or an ad-hoc URL). */
export interface CaptureTarget {
  id: string | null;
  name: string;
  baseUrl: string;
  labels: Record<string, string>;
  headers: Record<string, string>;
  tls: TargetTls;
  timeoutSeconds: number;
  maxBodyBytes: number;
}

export interface CaptureJobDeps {
  /** Checks and summarises captured bytes exactly as an import does (the format readers). */
  prepare(input: { name: string; source: string; bytes: Uint8Array }): Promise<NewArtifact>;
  /** Writes the run's artifacts and its history entry in one transaction. */
  commit(items: NewArtifact[], job: CaptureJob, result: CaptureResult): Artifact[];
  /** Records a run that wrote nothing (failed or cancelled). */
  record(job: CaptureJob, result: CaptureResult, status: 'failed' | 'cancelled'): void;
  /** Another way to reach the target: an SSH host's port forward. */
  via?: CaptureVia;
}

/** The SSH host a run goes through, and its connection hook. */
export interface CaptureVia {
  host: string;
  connect: ConnectHook;
}

/** Longest program label value. */
const PROGRAM_LABEL_MAX = 256;

interface Item {
  plan: CapturePlan;
  /** Index of the spec it comes from: the items of one spec (its repeats) run one after another. */
  spec: number;
  status: CaptureItemStatus;
  collectStartedAt: number;
}

export class CaptureJob {
  readonly startedAt = Date.now();
  finishedAt: number | null = null;
  private readonly items: Item[];
  private readonly abort = new AbortController();
  private phase: CaptureJobStatus['phase'] = 'running';
  private error: string | undefined;
  private result: CaptureResult | undefined;
  readonly done: Promise<CaptureResult>;

  constructor(
    readonly id: string,
    readonly target: CaptureTarget,
    readonly specs: CaptureSpec[],
    readonly run: string,
    readonly labels: Record<string, string>,
    readonly scheduleId: string | null,
    private readonly deps: CaptureJobDeps,
  ) {
    this.items = specs.flatMap((spec, si) =>
      Array.from({ length: spec.repeat ?? 1 }, (_, r): Item => {
        const plan = planCapture(target.baseUrl, spec);
        // Repeats are told apart by their file names: cpu-1.pb.gz, cpu-2.pb.gz, …
        if ((spec.repeat ?? 1) > 1) plan.fileName = plan.fileName.replace(/^([^.]+)/, `$1-${r + 1}`);
        return { plan, spec: si, collectStartedAt: 0, status: { kind: spec.kind, source: plan.url.href, phase: 'queued', fraction: 0, bytes: 0, totalBytes: null } };
      }),
    );
    // Every capture of the run listens on the one cancel signal.
    setMaxListeners(4 * this.items.length + 10, this.abort.signal);
    this.done = this.execute();
  }

  /** The SSH host the run goes through, or null. */
  get via(): string | null {
    return this.deps.via?.host ?? null;
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  cancel(): void {
    if (this.phase === 'running') this.abort.abort();
  }

  status(): CaptureJobStatus {
    const items = this.items.map((it) => ({ ...it.status, fraction: this.itemFraction(it) }));
    return {
      jobId: this.id,
      targetId: this.target.id,
      targetName: this.target.name,
      baseUrl: this.target.baseUrl,
      via: this.via,
      run: this.run,
      startedAt: this.startedAt,
      phase: this.phase,
      fraction: this.phase === 'done' ? 1 : this.jobFraction(items),
      bytes: items.reduce((s, it) => s + it.bytes, 0),
      items,
      ...(this.error !== undefined ? { error: this.error } : {}),
      ...(this.result ? { result: this.result } : {}),
    };
  }

  // Captures weigh by their requested seconds: with CPU 30 s next to a heap snapshot, the
  // bar follows the 30 s rather than jumping to half way when the heap arrives.
  private jobFraction(items: CaptureItemStatus[]): number {
    let sum = 0;
    let weights = 0;
    items.forEach((it, i) => {
      const w = this.items[i].plan.seconds + 0.1;
      sum += w * it.fraction;
      weights += w;
    });
    return weights > 0 ? Math.min(0.99, sum / weights) : 0;
  }

  // The bar fills over the requested seconds (90 %), then over the download.
  private itemFraction(it: Item): number {
    const s = it.status;
    if (s.phase === 'done' || s.phase === 'failed' || s.phase === 'cancelled') return 1;
    if (s.phase === 'checking') return 0.98;
    if (s.phase === 'queued') return 0;
    // While the requested seconds run (a trace streams meanwhile), time fills the bar.
    const waitMs = it.plan.seconds * 1000;
    const elapsed = Date.now() - it.collectStartedAt;
    if (waitMs > 0 && elapsed < waitMs) return 0.9 * (elapsed / waitMs);
    if (s.phase === 'downloading') return 0.9 + 0.08 * (s.totalBytes ? Math.min(1, s.bytes / s.totalBytes) : 0.5);
    return waitMs > 0 ? 0.9 : 0.1;
  }

  private async execute(): Promise<CaptureResult> {
    // Kinds are captured at once; the repeats of one kind one after another (a Go service
    // serves one CPU profile at a time).
    const outcomes = new Array<Awaited<ReturnType<CaptureJob['captureItem']>>>(this.items.length);
    await Promise.all(
      this.specs.map(async (_, si) => {
        for (let i = 0; i < this.items.length; i++) {
          if (this.items[i].spec === si) outcomes[i] = await this.captureItem(this.items[i]);
        }
      }),
    );
    const prepared: NewArtifact[] = [];
    const preparedItems: Item[] = [];
    const failures: CaptureFailure[] = [];
    let cmdline: string[] | undefined;
    outcomes.forEach((o, i) => {
      const { kind, source } = this.items[i].status;
      if ('error' in o) failures.push({ kind, source, message: o.error });
      else if ('cmdline' in o) cmdline = o.cmdline;
      else {
        prepared.push(o.artifact);
        preparedItems.push(this.items[i]);
      }
    });
    const result: CaptureResult = { run: this.run, artifacts: [], failures, ...(cmdline ? { cmdline } : {}) };
    try {
      if (this.abort.signal.aborted) {
        this.result = result;
        this.deps.record(this, result, 'cancelled');
        this.phase = 'cancelled';
        this.error = 'cancelled: nothing was written';
        return result;
      }
      if (prepared.length === 0 && !cmdline) {
        this.result = result;
        this.deps.record(this, result, 'failed');
        this.phase = 'failed';
        this.error = failures.map((f) => f.message).join('\n');
        return result;
      }
      // The program's name labels every artifact (short, to filter by); the whole command line stays with the run's history.
      const program = cmdline?.[0]?.split(/[\\/]/).pop()?.slice(0, PROGRAM_LABEL_MAX);
      const cmdLabel: Record<string, string> = program ? { program } : {};
      for (const a of prepared) a.labels = { ...this.target.labels, ...this.labels, ...cmdLabel };
      const stored = this.deps.commit(prepared, this, result);
      result.artifacts = stored.map((a) => ({ id: a.id, kind: a.kind, subtype: a.subtype, source: a.source }));
      stored.forEach((a, i) => (preparedItems[i].status.artifactId = a.id));
      this.result = result;
      this.phase = 'done';
      return result;
    } catch (err) {
      this.result = result;
      this.phase = 'failed';
      this.error = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      this.finishedAt = Date.now();
    }
  }

  private async captureItem(it: Item): Promise<{ artifact: NewArtifact } | { cmdline: string[] } | { error: string }> {
    const { plan, status } = it;
    const t = this.target;
    try {
      status.phase = 'connecting';
      it.collectStartedAt = Date.now();
      const res = await httpGet(plan.url, {
        headers: t.headers,
        ca: t.tls.caPem,
        insecureSkipVerify: t.tls.insecureSkipVerify,
        waitMs: plan.seconds * 1000,
        timeoutMs: t.timeoutSeconds * 1000,
        maxBytes: t.maxBodyBytes,
        signal: this.abort.signal,
        connect: this.deps.via?.connect,
        onProgress: (p) => {
          status.phase = p.phase === 'collecting' && status.phase === 'connecting' ? 'collecting' : p.phase === 'downloading' ? 'downloading' : status.phase;
          status.bytes = p.bytes;
          status.totalBytes = p.totalBytes;
        },
      });
      if (res.status !== 200) throw explainHttpStatus(plan.url, plan.spec.kind, res.status, res.headers, res.body);
      status.phase = 'checking';
      status.bytes = res.body.length;
      if (plan.spec.kind === 'cmdline') {
        const cmdline = parseCmdline(plan.url, res.body);
        status.phase = 'done';
        return { cmdline };
      }
      if (res.body.length === 0) throw new GpwError('bad_input', `${plan.url.href}: the server answered 200 with an empty body`);
      const artifact = await this.deps.prepare({ name: plan.fileName, source: plan.url.href, bytes: res.body }).catch((err: unknown) => {
        // The readers name the file; a capture names its URL.
        if (err instanceof GpwError) throw new GpwError(err.code, `${plan.url.href}: ${err.message.replace(`${plan.fileName}: `, '')}`);
        throw err;
      });
      if (this.abort.signal.aborted) throw new GpwError('unavailable', 'cancelled');
      checkCapturedArtifact(plan, artifact);
      // Text captures (expvar, metrics) carry no time of their own: they were taken now.
      artifact.capturedAt ??= Date.now();
      status.phase = 'done';
      return { artifact };
    } catch (err) {
      const cancelled = isCancellation(err) || this.abort.signal.aborted;
      status.phase = cancelled ? 'cancelled' : 'failed';
      const message = cancelled ? 'cancelled' : err instanceof Error ? err.message : String(err);
      status.error = message;
      if (!cancelled && !(err instanceof GpwError)) status.error = `internal error: ${message}`;
      return { error: status.error };
    }
  }
}
