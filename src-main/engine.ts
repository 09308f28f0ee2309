// The engine: composes the library, the format readers and the analyses into the contract's
// implementation. Plain Node; every front end (Electron, gpw serve, the CLI) drives this class.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { GpwApi, ArgsOf, ResultOf } from './api/contract.js';
import { GpwError } from './api/errors.js';
import type { Artifact, ArtifactPage, FlameGraph, ImportResult, LibraryInfo, ProfileMeta, TopTable } from './api/types.js';
import { PROFILE_KINDS } from './api/types.js';
import { detectFormat, DETECT_HEAD_BYTES, type FormatName } from './formats/detect-format.js';
import { FormatError } from './formats/format-error.js';
import { READERS } from './import/readers.js';
import { isStreamedFile, readHead } from './import/stream-import.js';
import type { ArtifactReader } from './import/reader-types.js';
import { Library, type NewArtifact } from './library/library.js';
import { sha256Hex } from './library/blobs.js';
import { ProfileWorkerClient } from './workers/profile-worker-client.js';
import type { ProfileSource } from './workers/profile-worker-protocol.js';
import { CaptureService } from './services/capture-service.js';
import type { SecretCipher } from './collect/secret-store.js';
import { SshService } from './services/ssh-service.js';
import { TraceService } from './services/trace-service.js';
import { GcService } from './services/gc-service.js';
import { RunsService, type CompareSideInput } from './services/runs-service.js';
import type { CompareSideArg } from './api/runs-contract.js';
import type { FunctionStats } from './analysis/runs/function-stats.js';
import type { TraceFacts } from './analysis/runs/artifact-figures.js';
import { benchCenter, compareBench } from './analysis/bench/compare-bench.js';
import { parseGoBench } from './formats/gobench/parse-gobench.js';
import { SourceService } from './services/source-service.js';
import { buildEscapes, type EscapeBuildOptions } from './services/escape-build.js';
import { GraphService } from './services/graph-service.js';
import { GoroutineService } from './services/goroutine-service.js';
import { MetricsService } from './services/metrics-service.js';
import { UploadService } from './services/upload-service.js';
import type { ProfileSummary } from './analysis/profile-summary.js';
import type { ViewOptions, DiffTable, ExportedView, Sandwich } from './api/types.js';
import { exportFileName, exportTitle, type ExportedFile } from './analysis/view-ops.js';
import { viewRequest, type ViewRequest, type ViewSource } from './workers/view-request.js';
import { CachedViews, FLAME_CODEC, defaultSampleTypeOf, summarySampleType, topRequest } from './workers/cached-views.js';
import { checkInputFile, readInputFile } from './import/input-file.js';
import { ViewCache } from './library/view-cache.js';

/** For the CLI: the profiles to merge and the diff base, each a file path or a library id. */
export interface CliViewArgs {
  merge?: string[];
  diffBase?: string;
}

export interface EngineOptions {
  libraryPath: string;
  /** Built profile worker script (out/main/profile-worker.js). */
  workerPath: string;
  /** Folder of demo profiles offered on first start. */
  demoDir?: string;
  /** better-sqlite3 addon built for Electron, when running inside Electron. */
  nativeBinding?: string;
  /**
   * Start the profile worker at once and let it warm its code paths while idle, so the first
   * large profile opens at full speed. For the app and gpw serve, not one-shot CLI commands.
   */
  warmUp?: boolean;
  /** Parse execution traces on the calling thread, not in the trace worker: one-shot CLI commands. */
  tracesInThread?: boolean;
  /** Seal targets' request headers with the OS keychain (Electron safeStorage); else they stay in memory. */
  secretCipher?: SecretCipher;
  /** Run saved capture schedules while the engine lives (the app and gpw serve). */
  runSchedules?: boolean;
  /** Where the source views look for source files (gpw serve --source-path / --trim-path): pprof's -source_path, -trim_path. */
  sourcePath?: string[];
  trimPath?: string;
  /** Binaries the disassembly view may use (gpw serve --binary), matched to profiles by build ID. */
  binaries?: string[];
  /** The app's native folder dialog (Electron's main process), for escapeBuild: the renderer never names a path. */
  chooseModuleFolder?: () => Promise<string | null>;
  /** The app's native open dialog (Electron's main process), for importChosenFiles: the chosen paths, null when cancelled. */
  chooseImportFiles?: () => Promise<string[] | null>;
  /**
   * Compute and keep the default top table of each imported profile before the import returns
   * (so `gpw top ID` in the next process reads it); default: when not warming up (the CLI).
   */
  precomputeOnImport?: boolean;
}

export interface ImportOptions {
  labels?: Record<string, string>;
  run?: string;
  /** Files read as a stream (perf script, folded text): bytes read so far of each file. */
  onProgress?: (file: string, done: number, total: number) => void;
}

/** Bytes to import; or (CLI files of perf script and folded text) a file read as a stream. */
type ImportInput = { name: string; source: string } & ({ bytes: Uint8Array } | { path: string });

/**
 * The most flame graph nodes sent to a view: a profile of millions of distinct stacks has
 * millions of nodes, most far narrower than a pixel; the narrowest are left out (and counted).
 */
export const FLAME_MAX_NODES = 250_000;


/**
 * An imported input this big has its blob stored while the worker reads it, in a transaction of
 * its own (for the bench's 18 MiB gzipped profile, writing the blob and checkpointing SQLite's log
 * took ~120 ms of a quiet machine after the scan); smaller ones only with their artifact.
 */
const BLOB_AHEAD_MIN_BYTES = 4 * 2 ** 20;

export class Engine implements GpwApi {
  readonly library: Library;
  private readonly worker: ProfileWorkerClient;
  /** Top tables of library profiles, kept in the library (decode once). */
  private readonly views: CachedViews;
  /** SSH hosts and remote captures (services/ssh-service.ts); gpw's known_hosts lives next to the library. */
  readonly ssh: SshService;
  /** Collection from /debug/pprof endpoints (targets, captures, schedules). */
  readonly capture: CaptureService;
  /** Go execution traces, parsed in their own worker (services/trace-service.ts). */
  readonly traces: TraceService;
  /** GC logs: run view, what-if, trade-off (services/gc-service.ts). */
  readonly gc: GcService;
  /** Runs, run comparison and trends (services/runs-service.ts). */
  readonly runs: RunsService;
  /** Annotated source, peek, escape analysis (services/source-service.ts). */
  readonly source: SourceService;
  /** The call graph of a view, as pprof -dot (services/graph-service.ts). */
  readonly graph: GraphService;
  /** Goroutine dumps and the leak view (services/goroutine-service.ts). */
  readonly goroutines: GoroutineService;
  /** Runtime metrics series of runs and targets (services/metrics-service.ts). */
  readonly metrics: MetricsService;
  /** Uploads in pieces and the native dialog's files, as import jobs with progress. */
  readonly uploads: UploadService;

  constructor(private readonly options: EngineOptions) {
    // The library first: a path it cannot use fails here, before a worker thread is started.
    this.library = new Library(options.libraryPath, { nativeBinding: options.nativeBinding, warmList: options.warmUp, idleCheckpoint: options.warmUp });
    this.worker = new ProfileWorkerClient(options.workerPath, options.warmUp === true);
    if (options.warmUp) this.worker.start();
    this.views = new CachedViews(this.worker, new ViewCache(this.library.db), options.warmUp === true);
    this.traces = new TraceService(this.library, options.tracesInThread ? null : join(dirname(options.workerPath), 'trace-worker.js'));
    this.gc = new GcService(this.library, this.traces);
    this.runs = new RunsService(this.library, {
      functionStats: (a) => this.worker.run<FunctionStats>({ op: 'functionStats', source: this.sourceOf(a) }, () => this.bytesOf(a)),
      traceFacts: async (a) => ((a.summary as Partial<TraceFacts>).blocking ? (a.summary as unknown as TraceFacts) : this.traces.summary(a.id)),
      compareBench: (base, next, alpha) => compareBench(base.map((a) => parseGoBench(a.bytes())), next.map((a) => parseGoBench(a.bytes())), { alpha }),
      benchCenter: (arts, name, unit) => {
        const c = benchCenter(arts.map((a) => parseGoBench(a.bytes())), name, unit);
        return c && { value: c.center, spread: [c.lo ?? c.center, c.hi ?? c.center], n: c.n };
      },
    });
    // The app and gpw serve fill in the function figures of profiles imported by an older gpw, in the background.
    if (options.warmUp) {
      this.backfillTimer = setTimeout(() => {
        this.backfilling = this.runs.backfill(() => this.closing).catch(() => 0);
      }, 3000);
      this.backfillTimer.unref();
    }
    this.graph = new GraphService(this.worker);
    this.source = new SourceService(
      this.worker,
      this.library,
      { sourcePath: options.sourcePath, trimPath: options.trimPath, binaries: options.binaries },
      (host, path, max) => this.ssh.readFile(host, path, max),
    );
    this.capture = new CaptureService(this.library, (input) => this.prepareInput(input, {}), {
      cipher: options.secretCipher,
      runSchedules: options.runSchedules,
      through: (host) => ({ host, connect: this.ssh.connectHook(host) }),
    });
    this.goroutines = new GoroutineService(this.library);
    this.metrics = new MetricsService(this.library, () => this.capture.store);
    this.ssh = new SshService({
      db: this.library.db,
      knownHostsFile: join(options.libraryPath === ':memory:' ? '.' : dirname(resolve(options.libraryPath)), 'known_hosts'),
      importCaptured: (inputs, opts) => this.importInputs(inputs, opts),
    });
    this.uploads = new UploadService({
      importFile: (path, name, source, o) => this.importInputs([this.fileInput(path, name, source)], { labels: o.labels, run: o.run, onProgress: (_, done, total) => o.onProgress(done, total) }),
      chooseFiles: options.chooseImportFiles,
    });
  }

  private closing = false;
  private backfillTimer: NodeJS.Timeout | undefined;
  private backfilling: Promise<unknown> = Promise.resolve();

  async close(): Promise<void> {
    this.closing = true;
    this.uploads.close();
    clearTimeout(this.backfillTimer);
    await this.backfilling;
    await this.capture.close();
    await this.ssh.close();
    this.source.close();
    // The profile worker's thread stops (~20 ms) while the traces and the library close here.
    const worker = this.worker.close();
    await this.traces.close();
    this.views.close();
    this.library.close();
    await worker;
  }

  // ---- contract methods ----

  async libraryInfo(): Promise<LibraryInfo> {
    return {
      path: this.library.path,
      artifactCount: this.library.count(),
      blobBytes: this.library.blobBytes(),
      demoAvailable: this.demoFiles().length > 0,
      importDialog: this.uploads.hasDialog,
    };
  }

  async listArtifacts(query: ArgsOf<'listArtifacts'>): Promise<Artifact[]> {
    return this.library.list(query);
  }

  async listArtifactsPage({ offset, limit, ...query }: ArgsOf<'listArtifactsPage'>): Promise<ArtifactPage> {
    return this.library.listPage(query, offset, limit);
  }

  /** listArtifacts as JSON, UTF-8 written by the library (gpw list --json), between `open` and `close`. */
  listArtifactsJson(query: ArgsOf<'listArtifacts'>, open = '', close = ''): Buffer {
    return this.library.listJson(query, open, close);
  }

  async getArtifact({ id }: { id: string }): Promise<Artifact> {
    return this.requireArtifact(id);
  }

  async importFile(args: ArgsOf<'importFile'>): Promise<ImportResult> {
    const name = basename(args.name);
    return this.importInputs([{ name, source: `upload:${name}`, bytes: args.bytes }], args);
  }

  async deleteArtifact({ id }: { id: string }): Promise<{ deleted: boolean }> {
    return { deleted: this.library.delete(id) };
  }

  async setLabel({ id, key, value }: { id: string; key: string; value: string }): Promise<Artifact> {
    if (!this.library.setLabel(id, key, value)) throw new GpwError('not_found', `no artifact ${id}`);
    return this.requireArtifact(id);
  }

  async removeLabel({ id, key }: { id: string; key: string }): Promise<Artifact> {
    this.requireArtifact(id);
    this.library.removeLabel(id, key);
    return this.requireArtifact(id);
  }

  async loadDemo(): Promise<ImportResult> {
    const files = this.demoFiles();
    if (files.length === 0) throw new GpwError('unavailable', 'no demo profiles are installed with this copy of gpw');
    return this.importPaths(files, { labels: { demo: 'true' }, run: 'demo' });
  }

  async profileMeta({ id }: { id: string }): Promise<ProfileMeta> {
    const artifact = this.requireProfile(id);
    // Decode once: the summary kept at import names the sample types.
    const known = metaOfSummary(artifact);
    if (known) return { artifact, ...known };
    const meta = await this.worker.run<{ sampleTypes: { type: string; unit: string }[]; defaultSampleType: string }>(
      { op: 'meta', source: this.sourceOf(artifact) },
      () => this.bytesOf(artifact),
    );
    return { artifact, ...meta };
  }

  async flameGraph(args: ArgsOf<'flameGraph'>): Promise<FlameGraph> {
    const view = this.libraryView(args);
    const req = { op: 'flame', view: view.spec, sampleType: args.sampleType, inverted: args.inverted, maxNodes: FLAME_MAX_NODES } as const;
    return this.views.run<FlameGraph>(req, view, defaultSampleTypeOf(this.library.get(args.id)), FLAME_CODEC);
  }

  async callTree(args: ArgsOf<'callTree'>): Promise<FlameGraph> {
    const view = this.libraryView(args);
    return this.worker.run<FlameGraph>({ op: 'callTree', view: view.spec, sampleType: args.sampleType }, view.load, view.nameOf);
  }

  async sandwich(args: ArgsOf<'sandwich'>): Promise<Sandwich> {
    const view = this.libraryView(args);
    return this.worker.run<Sandwich>({ op: 'sandwich', view: view.spec, sampleType: args.sampleType, name: args.function }, view.load, view.nameOf);
  }

  async diffTable(args: ArgsOf<'diffTable'>): Promise<DiffTable> {
    const view = this.libraryView(args);
    const options = { sort: args.sort, limit: args.limit ?? 100 };
    return this.worker.run<DiffTable>({ op: 'diffTable', view: view.spec, sampleType: args.sampleType, options }, view.load, view.nameOf);
  }

  async exportView(args: ArgsOf<'exportView'>): Promise<ExportedView> {
    const main = this.requireProfile(args.id);
    return this.exportOf(this.libraryView(args), main.file ?? main.id, args);
  }

  async topTable(args: ArgsOf<'topTable'>): Promise<TopTable> {
    const view = this.libraryView(args);
    const req = topRequest(view, args.sampleType, args.nodecount, args.sort);
    return this.views.run<TopTable>(req, view, defaultSampleTypeOf(this.library.get(args.id)));
  }

  async saveMerged({ ids, run, labels }: ArgsOf<'saveMerged'>): Promise<Artifact> {
    const sources = ids.map((id) => this.librarySource(id));
    return this.saveMergedSources(sources, ids.map((id) => ({ id })), { run, labels });
  }

  // ---- SSH (services/ssh-service.ts) ----

  async sshHosts(): Promise<ResultOf<'sshHosts'>> { return this.ssh.listHosts(); }
  async sshAddHost(a: ArgsOf<'sshAddHost'>): Promise<ResultOf<'sshAddHost'>> { return this.ssh.addHost(a); }
  async sshRemoveHost({ host }: ArgsOf<'sshRemoveHost'>): Promise<ResultOf<'sshRemoveHost'>> { return this.ssh.removeHost(host); }
  async sshConnect({ host, ...secrets }: ArgsOf<'sshConnect'>): Promise<ResultOf<'sshConnect'>> { return this.ssh.connect(host, secrets); }
  async sshDisconnect({ host }: ArgsOf<'sshDisconnect'>): Promise<ResultOf<'sshDisconnect'>> { return this.ssh.disconnect(host); }
  async sshProcesses({ host }: ArgsOf<'sshProcesses'>): Promise<ResultOf<'sshProcesses'>> { return this.ssh.processes(host); }
  async sshPerfPreflight({ host, ...o }: ArgsOf<'sshPerfPreflight'>): Promise<ResultOf<'sshPerfPreflight'>> { return this.ssh.perfPreflight(host, o); }
  async sshPerfStart({ host, run, ...o }: ArgsOf<'sshPerfStart'>): Promise<ResultOf<'sshPerfStart'>> { return this.ssh.startPerf(host, o, { run }); }
  async sshGcRunStart({ host, run, ...o }: ArgsOf<'sshGcRunStart'>): Promise<ResultOf<'sshGcRunStart'>> { return this.ssh.startGcRun(host, o, { run }); }
  async sshJobStatus({ jobId }: ArgsOf<'sshJobStatus'>): Promise<ResultOf<'sshJobStatus'>> { return this.ssh.jobStatus(jobId); }
  async sshJobs(): Promise<ResultOf<'sshJobs'>> { return this.ssh.listJobs(); }
  async sshCancelJob({ jobId }: ArgsOf<'sshCancelJob'>): Promise<ResultOf<'sshCancelJob'>> { return this.ssh.cancelJob(jobId); }

  // ---- collection from /debug/pprof endpoints (services/capture-service.ts) ----

  collectInfo = (_: ArgsOf<'collectInfo'> = {}): ReturnType<GpwApi['collectInfo']> => this.capture.collectInfo();
  listTargets = (_: ArgsOf<'listTargets'> = {}): ReturnType<GpwApi['listTargets']> => this.capture.listTargets();
  saveTarget = (a: ArgsOf<'saveTarget'>): ReturnType<GpwApi['saveTarget']> => this.capture.saveTarget(a);
  deleteTarget = (a: ArgsOf<'deleteTarget'>): ReturnType<GpwApi['deleteTarget']> => this.capture.deleteTarget(a);
  startCapture = async ({ via, ...a }: ArgsOf<'startCapture'>): ReturnType<GpwApi['startCapture']> => {
    if (via === undefined) return this.capture.startCapture(a);
    // Through SSH: the same capture job, its connections opened from the host (services/ssh-service.ts);
    // its artifacts are labelled with the host (via=HOST) unless the caller says otherwise.
    return { jobId: this.capture.startJob(this.capture.resolveTarget(a), a.kinds, { run: a.run, labels: { via, ...a.labels }, via: { host: via, connect: this.ssh.connectHook(via) } }).id };
  };
  captureStatus = (a: ArgsOf<'captureStatus'>): ReturnType<GpwApi['captureStatus']> => this.capture.captureStatus(a);
  cancelCapture = (a: ArgsOf<'cancelCapture'>): ReturnType<GpwApi['cancelCapture']> => this.capture.cancelCapture(a);
  listCaptureJobs = (_: ArgsOf<'listCaptureJobs'> = {}): ReturnType<GpwApi['listCaptureJobs']> => this.capture.listCaptureJobs();
  listSchedules = (_: ArgsOf<'listSchedules'> = {}): ReturnType<GpwApi['listSchedules']> => this.capture.listSchedules();
  saveSchedule = async (a: ArgsOf<'saveSchedule'>): ReturnType<GpwApi['saveSchedule']> => {
    if (a.via !== undefined && !this.ssh.listHosts().some((h) => h.name === a.via)) throw new GpwError('not_found', `no SSH host ${a.via} (add it, or use a Host of ~/.ssh/config)`);
    return this.capture.saveSchedule(a);
  };
  deleteSchedule = (a: ArgsOf<'deleteSchedule'>): ReturnType<GpwApi['deleteSchedule']> => this.capture.deleteSchedule(a);
  captureHistory = (a: ArgsOf<'captureHistory'>): ReturnType<GpwApi['captureHistory']> => this.capture.captureHistory(a);
  traceSummary = (a: ArgsOf<'traceSummary'>): ReturnType<GpwApi['traceSummary']> => this.traces.summary(a.id);
  traceBlockingProfile = (a: ArgsOf<'traceBlockingProfile'>): ReturnType<GpwApi['traceBlockingProfile']> => this.traces.blockingProfile(a.id, a.kind);
  traceBlockingTop = (a: ArgsOf<'traceBlockingTop'>): ReturnType<GpwApi['traceBlockingTop']> => this.traces.blockingTop(a.id, a.kind, a);
  traceBlockingExport = (a: ArgsOf<'traceBlockingExport'>): ReturnType<GpwApi['traceBlockingExport']> => this.traces.blockingExport(a.id, a.kind, a.format);
  traceMmu = ({ id, ...options }: ArgsOf<'traceMmu'>): ReturnType<GpwApi['traceMmu']> => this.traces.mmu(id, options);
  traceTimeline = (a: ArgsOf<'traceTimeline'>): ReturnType<GpwApi['traceTimeline']> => this.traces.timeline(a.id);
  traceTimelineOverview = (a: ArgsOf<'traceTimelineOverview'>): ReturnType<GpwApi['traceTimelineOverview']> => this.traces.timelineOverview(a.id, a.widthPx);
  traceTimelinePart = (a: ArgsOf<'traceTimelinePart'>): ReturnType<GpwApi['traceTimelinePart']> => this.traces.timelinePart(a.id, a.part);
  traceSpan = (a: ArgsOf<'traceSpan'>): ReturnType<GpwApi['traceSpan']> => this.traces.span(a.id, a.g, a.timeNs);

  // ---- GC logs (services/gc-service.ts) ----

  gcRun = async ({ id }: ArgsOf<'gcRun'>): ReturnType<GpwApi['gcRun']> => this.gc.run(id);
  gcWhatIf = async ({ id, ...req }: ArgsOf<'gcWhatIf'>): ReturnType<GpwApi['gcWhatIf']> => this.gc.whatIf(id, req);
  gcTradeoff = async ({ id, ...req }: ArgsOf<'gcTradeoff'>): ReturnType<GpwApi['gcTradeoff']> => this.gc.tradeoff(id, req);
  gcSeries = async (a: ArgsOf<'gcSeries'>): ReturnType<GpwApi['gcSeries']> => this.gc.series(a);

  // ---- runs, comparison, trends (services/runs-service.ts) ----

  listRuns = async (a: ArgsOf<'listRuns'>): ReturnType<GpwApi['listRuns']> => this.runs.list(a);
  getRun = async ({ run }: ArgsOf<'getRun'>): ReturnType<GpwApi['getRun']> => { const r = this.runs.require(run); return { run: r, artifacts: this.runs.artifactsOf(r) }; };
  updateRun = async ({ run, ...change }: ArgsOf<'updateRun'>): ReturnType<GpwApi['updateRun']> => this.runs.update(run, change);
  deleteRun = async ({ run, deleteArtifacts }: ArgsOf<'deleteRun'>): ReturnType<GpwApi['deleteRun']> => this.runs.delete(run, deleteArtifacts === true);
  moveArtifacts = async ({ ids, run }: ArgsOf<'moveArtifacts'>): ReturnType<GpwApi['moveArtifacts']> => this.runs.moveArtifacts(ids, run ?? null);
  previousRun = async ({ run }: ArgsOf<'previousRun'>): ReturnType<GpwApi['previousRun']> => this.runs.previous(run);
  runTrend = async (a: ArgsOf<'runTrend'>): ReturnType<GpwApi['runTrend']> => this.runs.trend(a);
  benchTables = async ({ id }: ArgsOf<'benchTables'>): ReturnType<GpwApi['benchTables']> => this.runs.benchTables(this.requireArtifact(id));
  compareRuns = async ({ base, new: next, ...o }: ArgsOf<'compareRuns'>): ReturnType<GpwApi['compareRuns']> => this.runs.compare(this.compareSide(base), this.compareSide(next), o);

  /** A side of a comparison named by the caller: a run, or library artifacts. */
  compareSide(side: CompareSideArg): CompareSideInput {
    if ((side.run === undefined) === (side.ids === undefined)) throw new GpwError('invalid_argument', 'a side of a comparison is a run or a list of artifact ids (one of the two)');
    if (side.run !== undefined) return this.runs.sideOfRun(this.runs.require(side.run));
    return { run: null, artifacts: side.ids!.map((id) => this.runs.libraryArtifact(this.requireArtifact(id))) };
  }

  /** A side of `gpw compare` made of files read from disk (checked by their readers, not stored). */
  async fileSide(paths: string[]): Promise<CompareSideInput> {
    const artifacts = [];
    for (const p of paths) {
      const full = resolve(p);
      const bytes = readInputFile(full);
      const item = await this.prepareInput({ name: basename(full), source: full, bytes }, {});
      const artifact: Artifact = {
        id: basename(full), kind: item.kind, subtype: item.subtype, file: item.file, source: item.source, sha256: item.sha256, size: bytes.length,
        importedAt: Date.now(), capturedAt: item.capturedAt, durationNs: item.durationNs, goVersion: item.goVersion, run: null, labels: {},
        sampleTypes: Array.isArray((item.summary as { sampleTypes?: unknown }).sampleTypes) ? ((item.summary as { sampleTypes: string[] }).sampleTypes) : [],
        summary: item.summary,
      };
      artifacts.push({ artifact, functionStats: item.functionStats, bytes: () => bytes });
    }
    return { run: null, artifacts };
  }
  // ---- source, peek, escape analysis (services/source-service.ts) ----

  sourceList = async ({ function: fn, escapes, ...a }: ArgsOf<'sourceList'>): ReturnType<GpwApi['sourceList']> => {
    const profile = this.requireProfile(a.id);
    return this.source.list(this.libraryView(a), { sampleType: a.sampleType, function: fn, host: this.capturedThrough(profile) }, this.source.escapesFor(profile, escapes));
  };
  sourcePeek = async ({ function: fn, ...a }: ArgsOf<'sourcePeek'>): ReturnType<GpwApi['sourcePeek']> => this.source.peek(this.libraryView(a), { sampleType: a.sampleType, function: fn });
  sourceDisasm = async ({ function: fn, ...a }: ArgsOf<'sourceDisasm'>): ReturnType<GpwApi['sourceDisasm']> =>
    this.source.disasm(this.libraryView(a), { sampleType: a.sampleType, function: fn, host: this.capturedThrough(this.requireProfile(a.id)) });
  escapeSites = async (a: ArgsOf<'escapeSites'>): ReturnType<GpwApi['escapeSites']> =>
    this.source.escapes(this.source.escapesOf(a.id, a.profile ? this.requireProfile(a.profile) : undefined), a.profile ? this.libraryView({ id: a.profile }) : null, a.sampleType);
  escapeBuildFolders = async (): ReturnType<GpwApi['escapeBuildFolders']> => ({ folders: this.source.buildFolders(), dialog: !!this.options.chooseModuleFolder });
  escapeBuild = async ({ folder, ...o }: ArgsOf<'escapeBuild'>): ReturnType<GpwApi['escapeBuild']> => {
    const dir = folder !== undefined ? this.source.buildFolder(folder) : await this.source.chooseFolder(this.options.chooseModuleFolder);
    return dir ? this.buildEscapesIn(dir, o) : { artifacts: [] };
  };

  // ---- the call graph (services/graph-service.ts) ----

  callGraph = async ({ nodecount, nodefraction, edgefraction, ...a }: ArgsOf<'callGraph'>): ReturnType<GpwApi['callGraph']> =>
    this.graph.graph(this.libraryView(a), { sampleType: a.sampleType, nodecount, nodefraction, edgefraction });

  // ---- goroutine dumps, runtime metrics series (services/goroutine-service.ts, metrics-service.ts) ----

  goroutineGroups = async ({ id, ...filter }: ArgsOf<'goroutineGroups'>): ReturnType<GpwApi['goroutineGroups']> => this.goroutines.groups(id, filter);
  goroutineDiff = async (a: ArgsOf<'goroutineDiff'>): ReturnType<GpwApi['goroutineDiff']> => this.goroutines.diff(a);
  metricsSeries = async (a: ArgsOf<'metricsSeries'>): ReturnType<GpwApi['metricsSeries']> => this.metrics.series(a);

  // ---- for the CLI (paths are trusted there; the renderer never gets these) ----

  /** A view of profiles named by file path or library id (gpw source, peek, escapes). */
  cliView(target: string, args: CliViewArgs & Partial<ViewOptions> = {}): ViewRequest {
    const main = this.cliSource(target);
    return this.checkedView([main, ...(args.merge ?? []).map((t) => this.cliSource(t))], args.diffBase ? [this.cliSource(args.diffBase)] : [], args);
  }

  /** Runs the compiler's escape analysis on a module folder and keeps it as an `escapes` artifact (gpw escapes --build). */
  async buildEscapesIn(dir: string, o: EscapeBuildOptions & ImportOptions = {}): Promise<ImportResult> {
    const built = await buildEscapes(dir, o);
    return this.importInputs([{ name: built.name, source: built.source, bytes: built.bytes }], { run: o.run, labels: { ...(built.goVersion ? { go: built.goVersion } : {}), ...o.labels } });
  }

  /** Imports files from disk, all in one transaction: one bad file and nothing is added. */
  async importPaths(paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
    // The profile worker loads while the files are read and hashed.
    if (paths.some(isPprofFile)) this.worker.start();
    const inputs = paths.map((p): ImportInput => {
      const full = resolve(p);
      return this.fileInput(full, basename(full), full);
    });
    return this.importInputs(inputs, options);
  }

  /** A file on disk to import: perf script and folded text as a stream, others read whole. */
  private fileInput(full: string, name: string, source: string): ImportInput {
    if (checkInputFile(full) && isStreamedFile(full)) return { name, source, path: full };
    return { name, source, bytes: readInputFile(full) };
  }

  // ---- uploads in pieces, the native dialog's files (services/upload-service.ts) ----

  uploadStart = async (a: ArgsOf<'uploadStart'>): ReturnType<GpwApi['uploadStart']> => this.uploads.start(a);
  uploadChunk = async (a: ArgsOf<'uploadChunk'>): ReturnType<GpwApi['uploadChunk']> => this.uploads.chunk(a);
  uploadFinish = async ({ uploadId }: ArgsOf<'uploadFinish'>): ReturnType<GpwApi['uploadFinish']> => this.uploads.finish(uploadId);
  uploadStatus = async ({ uploadId }: ArgsOf<'uploadStatus'>): ReturnType<GpwApi['uploadStatus']> => this.uploads.status(uploadId);
  uploadCancel = async ({ uploadId }: ArgsOf<'uploadCancel'>): ReturnType<GpwApi['uploadCancel']> => this.uploads.cancel(uploadId);
  importChosenFiles = async (a: ArgsOf<'importChosenFiles'>): ReturnType<GpwApi['importChosenFiles']> => this.uploads.choose(a);

  /**
   * Top table of profiles named by file path or library id (`target`, `merge`, `diffBase`): a
   * file that exists is read from disk, anything else is looked up in the library.
   */
  async topOfFile(target: string, args: CliViewArgs & Omit<ArgsOf<'topTable'>, 'id' | 'merge' | 'diffBase'>): Promise<TopTable & { file?: string }> {
    const main = this.cliSource(target);
    const view = this.checkedView([main, ...(args.merge ?? []).map((t) => this.cliSource(t))], args.diffBase ? [this.cliSource(args.diffBase)] : [], args);
    const req = topRequest(view, summarySampleType(args.sampleType, main.artifact), args.nodecount, args.sort);
    const table = await this.views.run<TopTable>(req, view, defaultSampleTypeOf(main.artifact));
    return main.path ? { ...table, file: main.path } : table;
  }

  /** A view of profiles named by file path or library id, exported as a file (gpw export). */
  async exportTargets(target: string, args: CliViewArgs & Omit<ArgsOf<'exportView'>, 'id' | 'merge' | 'diffBase'>): Promise<ExportedView> {
    const main = this.cliSource(target);
    const view = this.checkedView([main, ...(args.merge ?? []).map((t) => this.cliSource(t))], args.diffBase ? [this.cliSource(args.diffBase)] : [], args);
    return this.exportOf(view, main.name, args);
  }

  /** Merges profiles named by file path or library id into one pprof file's bytes (for gpw merge --out). */
  async mergeTargets(targets: string[]): Promise<Uint8Array> {
    const sources = targets.map((t) => this.cliSource(t));
    return (await this.encodeMerge(sources)).bytes;
  }

  /** Merges profiles named by file path or library id into a new library artifact (gpw merge --save). */
  async saveMergedTargets(targets: string[], options: ImportOptions = {}): Promise<Artifact> {
    const sources = targets.map((t) => this.cliSource(t));
    return this.saveMergedSources(sources, sources.map((s) => (s.path ? { file: s.path } : { id: s.id! })), options);
  }

  // ---- internals ----

  private async importInputs(inputs: ImportInput[], options: ImportOptions): Promise<ImportResult> {
    const prepared: NewArtifact[] = [];
    // Big inputs' blobs stored while the worker reads them (prepareInput), dropped again should the import fail.
    const ahead: string[] = [];
    let artifacts: Artifact[];
    try {
      for (const input of inputs) {
        const onProgress = options.onProgress && ((done: number, total: number) => options.onProgress!(input.name, done, total));
        prepared.push('path' in input ? await this.prepareFile(input, options.labels ?? {}, onProgress) : await this.prepareInput(input, options.labels ?? {}, ahead));
      }
      // The worker makes the tables of profiles given as bytes while the library is written.
      const early = this.precomputing() ? prepared.map((p) => (p.bytes instanceof Uint8Array ? this.startDefaultTop(p, p.bytes) : null)) : [];
      artifacts = this.library.addArtifacts(prepared, options.run ?? null);
      ahead.length = 0;
      if (this.precomputing()) await this.precomputeViews(artifacts, early);
    } finally {
      try {
        this.library.dropBlobsAhead(ahead);
      } catch {
        // Left unreferenced (no artifact shows it): the import's own error is the one to report.
      }
      // Streamed files' deflated copies wait in temporary files until stored.
      for (const p of prepared) if (!(p.bytes instanceof Uint8Array)) p.bytes.dispose();
    }
    return { artifacts };
  }

  private precomputing(): boolean {
    return this.options.precomputeOnImport ?? !this.options.warmUp;
  }

  /** The default top table (gpw top ID's) of a profile about to be stored, asked of the worker now; kept once the profile is in the library. */
  private startDefaultTop(p: NewArtifact, bytes: Uint8Array): { keep(): Promise<void> } | null {
    if (!PROFILE_KINDS.includes(p.kind)) return null;
    const view = viewRequest([{ sha256: p.sha256, name: p.file ?? p.sha256, load: () => bytes }], [], {});
    const req = topRequest(view);
    return this.views.start<TopTable>(req, view, defaultSampleTypeOf(p));
  }

  /**
   * Decode once: while the worker still holds the profiles it decoded for the import, their
   * default top tables (gpw top ID's) are computed (or were, `early`) and kept in the library;
   * so are a trace's timeline and summary (services/trace-service.ts keepOpenViews).
   */
  private async precomputeViews(artifacts: Artifact[], early: ({ keep(): Promise<void> } | null)[] = []): Promise<void> {
    for (const [i, a] of artifacts.entries()) {
      if (a.kind === 'trace') await this.traces.keepOpenViews(a.id).catch(() => undefined);
      if (!PROFILE_KINDS.includes(a.kind)) continue;
      const view = viewRequest([this.librarySource(a.id)], [], {});
      const req = topRequest(view);
      // The artifact is imported either way: a table that cannot be made now is made when asked for.
      await (early[i]?.keep() ?? this.views.run<TopTable>(req, view, defaultSampleTypeOf(a))).catch(() => undefined);
    }
  }

  /** A file read as a stream: folded, hashed and deflated in one read each (import/stream-import.ts); writes nothing. */
  private async prepareFile(input: { name: string; source: string; path: string }, labels: Record<string, string>, onProgress?: (done: number, total: number) => void): Promise<NewArtifact> {
    const reader = readerFor(input.name, readHead(input.path));
    if (!reader.readFile) throw new GpwError('bad_input', `${input.name}: this format cannot be read as a stream`);
    const { streamed, ...read } = await withFileName(input.name, reader.readFile({ name: input.name, path: input.path }, { profiles: this.worker, onProgress }));
    return { kind: reader.kind, ...read, bytes: streamed.deflated, sha256: streamed.sha256, file: input.name, source: input.source, labels, functionStats: streamed.functionStats };
  }

  /**
   * Checks and summarises one input with its format's reader; writes nothing, but for `ahead`
   * (an import): the blob of an input of BLOB_AHEAD_MIN_BYTES or more is stored while the
   * reader reads it, and its hash added to `ahead` when this call stored it.
   */
  private async prepareInput(input: { name: string; source: string; bytes: Uint8Array }, labels: Record<string, string>, ahead?: string[]): Promise<NewArtifact> {
    const reader = readerFor(input.name, input.bytes);
    const sha256 = sha256Hex(input.bytes);
    const reading = withFileName(input.name, reader.read({ name: input.name, bytes: input.bytes, sha256 }, { profiles: this.worker, traces: this.traces.worker }));
    if (ahead && input.bytes.length >= BLOB_AHEAD_MIN_BYTES) {
      // The reader's request is with the worker: the blob is written meanwhile (an error here is the import's, the read's is then nobody's).
      reading.catch(() => undefined);
      if (this.library.putBlobAhead(input.bytes, sha256)) ahead.push(sha256);
    }
    const read = await reading;
    // Profiles: the per-function figures run comparisons and trends read (the worker still holds the decoded profile).
    const functionStats = PROFILE_KINDS.includes(reader.kind)
      ? await this.worker.run<FunctionStats>({ op: 'functionStats', source: { sha256 } }, () => input.bytes)
      : undefined;
    return { kind: reader.kind, ...read, bytes: input.bytes, sha256, file: input.name, source: input.source, labels, functionStats };
  }

  private requireArtifact(id: string): Artifact {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    return a;
  }

  /** The SSH host a profile was captured through (label via; host for perf): its missing source and binary are read from it. */
  private capturedThrough(a: Artifact): string | undefined {
    return a.labels.via ?? a.labels.host;
  }

  private requireProfile(id: string): Artifact {
    const a = this.requireArtifact(id);
    if (!PROFILE_KINDS.includes(a.kind)) throw new GpwError('invalid_argument', `artifact ${id} is a ${a.kind}, not a profile`);
    return a;
  }

  /** A library profile as a view source. */
  private librarySource(id: string): ViewSource & { artifact: Artifact } {
    const artifact = this.requireProfile(id);
    return { sha256: artifact.sha256, name: artifact.file ?? id, load: () => this.bytesOf(artifact), artifact };
  }

  /** A CLI argument as a view source: an existing file, else a library id. */
  private cliSource(target: string): ViewSource & { path?: string; id?: string; artifact?: Artifact } {
    if (!existsSync(target)) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(target)) throw new GpwError('not_found', `${target}: no such file`);
      return { ...this.librarySource(target), id: target };
    }
    const full = resolve(target);
    if (checkInputFile(full) && isStreamedFile(full)) {
      // perf script and folded text: the worker reads the file in chunks; the key names this version of the file.
      const st = statSync(full);
      return { sha256: sha256Hex(new TextEncoder().encode(`file\0${full}\0${st.size}\0${st.mtimeMs}`)), name: basename(full), load: () => ({ path: full }), path: full };
    }
    const bytes = readInputFile(full);
    const format = checkFormat(basename(full), bytes);
    if (READERS[format]?.kind && !PROFILE_KINDS.includes(READERS[format]!.kind)) {
      throw new GpwError('bad_input', `${basename(full)}: a ${format} file is not a profile`);
    }
    return { sha256: sha256Hex(bytes), name: basename(full), load: () => bytes, path: full };
  }

  private libraryView(args: ViewOptions): ViewRequest {
    const sources = [args.id, ...(args.merge ?? [])].map((id) => this.librarySource(id));
    const base = args.diffBase ? [args.diffBase, ...(args.baseMerge ?? [])].map((id) => this.librarySource(id)) : [];
    return this.checkedView(sources, base, args);
  }

  /** A view request; comparing profiles of different kinds (a heap with a cpu profile) is refused. */
  private checkedView(sources: (ViewSource & { artifact?: Artifact })[], base: (ViewSource & { artifact?: Artifact })[], args: Partial<ViewOptions>): ViewRequest {
    const kinds = [...sources, ...base].map((s) => s.artifact?.subtype).filter((k): k is string => !!k);
    const differ = kinds.find((k) => k !== kinds[0]);
    if (differ) throw new GpwError('invalid_argument', `cannot combine a ${kinds[0]} profile with a ${differ} profile`);
    return viewRequest(sources, base, args);
  }

  private async exportOf(view: ViewRequest, name: string, args: Omit<ArgsOf<'exportView'>, 'id'>): Promise<ExportedView> {
    const shape = { diff: view.spec.base.length > 0, merged: view.spec.sources.length > 1, inverted: args.inverted === true };
    const request = { format: args.format, inverted: args.inverted, width: args.width, title: exportTitle(name, shape) };
    const file = await this.worker.run<ExportedFile>({ op: 'export', view: view.spec, sampleType: args.sampleType, request }, view.load, view.nameOf);
    return { name: exportFileName(name, shape, file.extension), mediaType: file.mediaType, bytes: file.bytes };
  }

  private async encodeMerge(sources: ViewSource[]): Promise<{ bytes: Uint8Array; summary: ProfileSummary }> {
    const view = this.checkedView(sources, [], {});
    return this.worker.run<{ bytes: Uint8Array; summary: ProfileSummary }>({ op: 'encode', view: view.spec }, view.load, view.nameOf);
  }

  private async saveMergedSources(sources: ViewSource[], from: ({ id: string } | { file: string })[], options: ImportOptions): Promise<Artifact> {
    const { bytes, summary } = await this.encodeMerge(sources);
    const ids = from.map((f) => ('id' in f ? f.id : f.file)).join(',');
    const labels: Record<string, string> = { ...(ids.length <= 1024 ? { 'merged-from': ids } : {}), ...(options.labels ?? {}) };
    const [artifact] = this.library.addArtifacts(
      [
        {
          kind: 'profile',
          subtype: summary.profileType,
          bytes,
          sha256: sha256Hex(bytes),
          file: `merged-${sources.length}.pb.gz`,
          source: `merge:${sources.length} profiles`,
          capturedAt: summary.capturedAt,
          durationNs: summary.durationNs || null,
          goVersion: null,
          labels,
          summary: { ...summary, mergedFrom: from },
        },
      ],
      options.run ?? null,
    );
    return artifact;
  }

  private sourceOf(artifact: Artifact): ProfileSource {
    return { sha256: artifact.sha256 };
  }

  private bytesOf(artifact: Artifact): Uint8Array {
    const bytes = this.library.blobs.get(artifact.sha256);
    if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${artifact.id}`);
    return bytes;
  }

  private demoFiles(): string[] {
    const dir = this.options.demoDir;
    if (!dir || !existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.pb.gz'))
      .sort()
      .map((f) => join(dir, f));
  }
}

/** Whether a path is a pprof file, by its head (false when it cannot be read: the import says why). */
function isPprofFile(path: string): boolean {
  try {
    return detectFormat(readHead(resolve(path))).format === 'pprof';
  } catch {
    return false;
  }
}

/** profileMeta's sample types from the summary kept at import ("type/unit" each), when it has them. */
function metaOfSummary(artifact: Artifact): Omit<ProfileMeta, 'artifact'> | null {
  const summary = artifact.summary as Partial<ProfileSummary>;
  if (!Array.isArray(summary.sampleTypes) || typeof summary.defaultSampleType !== 'string') return null;
  const sampleTypes = summary.sampleTypes.map((t) => {
    const slash = t.lastIndexOf('/');
    return slash < 0 ? { type: t, unit: '' } : { type: t.slice(0, slash), unit: t.slice(slash + 1) };
  });
  return { sampleTypes, defaultSampleType: summary.defaultSampleType };
}

function checkFormat(name: string, bytes: Uint8Array): FormatName {
  const detected = detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES));
  if (detected.format === null) throw new GpwError('bad_input', `${name}: ${detected.reason}`);
  return detected.format;
}

/** The reader for a file's detected format; a format gpw recognises but cannot import is refused. */
function readerFor(name: string, bytes: Uint8Array): ArtifactReader {
  const format = checkFormat(name, bytes);
  const reader = READERS[format];
  if (!reader) throw new GpwError('bad_input', `${name}: gpw recognises this as ${format} but cannot import it yet`);
  return reader;
}

/** A reader's failure with the file's name in front. */
async function withFileName<T>(name: string, reading: Promise<T>): Promise<T> {
  try {
    return await reading;
  } catch (err) {
    if (err instanceof GpwError) throw new GpwError(err.code, `${name}: ${err.message}`);
    if (err instanceof FormatError) throw new GpwError('bad_input', `${name}: ${err.message}`);
    throw err;
  }
}

