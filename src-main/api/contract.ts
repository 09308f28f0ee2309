// The single contract between every front end (Electron renderer, browser via gpw serve, CLI)
// and the engine. The preload, the IPC binding, the web bridge and the renderer client are all
// derived from `contract`'s method list; argument schemas validate untrusted input.

import { GpwError, errorBody, type Envelope } from './errors.js';
import { array, boolean, bytes, checkedString, integer, object, oneOf, optional, string, stringMap, type Infer, type Schema, method, type Method } from './schema.js';
import type { CaptureHistoryEntry, CaptureJobStatus, CaptureSchedule, CollectInfo, Target } from './collect-types.js';
import { CAPTURE_KINDS, MAX_CAPTURE_REPEAT, PROFILE_NAME } from './collect-types.js';
import type { Artifact, ArtifactPage, DiffTable, ExportedView, FlameGraph, ImportResult, LibraryInfo, ProfileMeta, Sandwich, TopTable } from './types.js';
import { ARTIFACT_KINDS, ARTIFACT_SORTS, MAX_IMPORT_BYTES } from './types.js';
import { goRegexpProblem } from '../analysis/filters/go-regexp.js';
import { tagFilterProblem } from '../analysis/filters/tag-filter.js';
import { sshHostArg, sshMethods } from './ssh-contract.js';
import { gcMethods } from './gc-contract.js';
import { runsMethods } from './runs-contract.js';
import { sourceMethods } from './source-contract.js';
import { graphMethods } from './graph-contract.js';
import { goroutineMethods } from './goroutine-contract.js';
import { uploadMethods } from './upload-contract.js';
import type { MmuCurve, TraceSummary } from './trace-types.js';
import type { TraceSpan, TraceTimelineOverview, TraceTimelinePart, TraceTimelineWire } from './trace-timeline-types.js';

// The import cap, where the page and gpw serve have always read it (api/types.ts holds it so the CLI need not load the contract).
export { MAX_IMPORT_BYTES };

const id = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
// Label keys become object keys: names of Object.prototype's members are refused.
const labelKey = string({ min: 1, max: 128, pattern: /^(?!(?:__proto__|constructor|prototype)$)[A-Za-z0-9_.:/-]+$/ });
const labelValue = string({ max: 1024 });
const sampleType = string({ min: 1, max: 256 });
const none = object({});


const listFilters = {
  kind: optional(oneOf(ARTIFACT_KINDS)),
  subtype: optional(string({ max: 64 })),
  label: optional(string({ max: 1200 })),
  text: optional(string({ max: 1024 })),
  sort: optional(oneOf(ARTIFACT_SORTS)),
};
const listArgs = object({ ...listFilters, limit: optional(integer({ min: 1, max: 100000 })) });
// One page of the library list (the app's list is virtualised: it asks for the rows it shows).
const listPageArgs = object({ ...listFilters, offset: integer({ min: 0, max: 10_000_000 }), limit: integer({ min: 1, max: 1000 }) });
const importLabels = optional(stringMap(labelKey, labelValue));
const importArgs = object({
  name: string({ min: 1, max: 1024 }),
  bytes: bytes(MAX_IMPORT_BYTES),
  labels: importLabels,
  run: optional(string({ min: 1, max: 256 })),
});
/** Most profiles one view may merge (pprof reads any number; this bounds one request). */
export const MAX_MERGED_PROFILES = 1000;
const frameRegexp = checkedString({ max: 1024 }, goRegexpProblem);
const tagFilter = checkedString({ max: 1024 }, tagFilterProblem);

/**
 * How to look at a profile, as pprof's options do: every method that shows a profile (top,
 * flame graph, call tree, export …) takes these fields. Regexps are Go's (RE2) syntax.
 */
export const viewOptionsFields = {
  id,
  sampleType: optional(sampleType),
  /** pprof -functions (default), -lines, -files. */
  granularity: optional(oneOf(['functions', 'lines', 'files'] as const)),
  /** pprof -focus / -ignore / -hide / -show / -show_from: regexps on function names, file names, binaries. */
  focus: optional(frameRegexp),
  ignore: optional(frameRegexp),
  hide: optional(frameRegexp),
  show: optional(frameRegexp),
  showFrom: optional(frameRegexp),
  /** pprof -tagfocus / -tagignore: "key=regexp,…", "regexp", or a numeric range "bytes=1kb:64kb". */
  tagfocus: optional(tagFilter),
  tagignore: optional(tagFilter),
  /** Merge direct recursion (f → f → f) into one frame; pprof has no such switch. */
  collapseRecursion: optional(boolean()),
  /** pprof -diff_base: another profile of the same kind whose values are subtracted. */
  diffBase: optional(id),
  /** pprof -normalize: scale this profile to the base's total first (with diffBase). */
  normalize: optional(boolean()),
  /** Further profiles merged with `id` (as pprof merges several files). */
  merge: optional(array(id, { max: MAX_MERGED_PROFILES })),
  /** Further profiles merged into the diff base (a run compared with a run). */
  baseMerge: optional(array(id, { max: MAX_MERGED_PROFILES })),
};
const viewArgs = object(viewOptionsFields);
/** Frame names as the views show them (function, "function file:line" or a file). */
const frameName = string({ min: 1, max: 4096 });
const flameArgs = object({ ...viewOptionsFields, inverted: optional(boolean()) });
const sandwichArgs = object({ ...viewOptionsFields, function: frameName });
const diffTableArgs = object({ ...viewOptionsFields, sort: optional(oneOf(['flat', 'cum'] as const)), limit: optional(integer({ min: 0, max: 100000 })) });
const exportArgs = object({
  ...viewOptionsFields,
  format: oneOf(['pprof', 'collapsed', 'svg', 'png'] as const),
  /** svg/png: the inverted flame graph. */
  inverted: optional(boolean()),
  /** svg/png: width in pixels. */
  width: optional(integer({ min: 200, max: 20000 })),
});
const saveMergedArgs = object({
  ids: array(id, { min: 1, max: MAX_MERGED_PROFILES }),
  labels: optional(stringMap(labelKey, labelValue)),
  run: optional(string({ min: 1, max: 256 })),
});

const topArgs = object({
  ...viewOptionsFields,
  nodecount: optional(integer({ min: 0, max: 100000 })),
  sort: optional(oneOf(['flat', 'cum'] as const)),
});

// ---- collection from /debug/pprof endpoints (src-main/services/capture-service.ts) ----
const labelMap = stringMap(labelKey, labelValue);
// Header names are HTTP tokens; values may not break the request (no CR, LF or NUL).
const headerName = string({ min: 1, max: 128, pattern: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/ });
const headerValue = string({ max: 8192, pattern: /^[^\r\n\0]*$/ });
const captureSpecs = array(
  object({ kind: oneOf(CAPTURE_KINDS), seconds: optional(integer({ min: 1, max: 3600 })), gc: optional(boolean()), repeat: optional(integer({ min: 1, max: MAX_CAPTURE_REPEAT })), name: optional(string({ min: 1, max: 64, pattern: PROFILE_NAME })) }),
  { min: 1, max: CAPTURE_KINDS.length + 16 },
);
const saveTargetArgs = object({
  id: optional(id),
  name: string({ min: 1, max: 128 }),
  baseUrl: string({ min: 1, max: 2048 }),
  labels: optional(labelMap),
  /** Replaces the kept headers when given; values never come back. */
  headers: optional(stringMap(headerName, headerValue, 32)),
  clearHeaders: optional(boolean()),
  caPem: optional(string({ max: 64 * 1024 })),
  clearCa: optional(boolean()),
  insecureSkipVerify: optional(boolean()),
  timeoutSeconds: optional(integer({ min: 1, max: 3600 })),
  maxBodyMiB: optional(integer({ min: 1, max: 1024 })),
});
const startCaptureArgs = object({
  targetId: optional(id),
  url: optional(string({ min: 1, max: 2048 })),
  /** Capture through an SSH port forward from this connected host (the URL as seen from it). */
  via: optional(sshHostArg),
  kinds: captureSpecs,
  run: optional(string({ min: 1, max: 256 })),
  labels: optional(labelMap),
});
const jobArgs = object({ jobId: id });
const saveScheduleArgs = object({
  id: optional(id),
  targetId: id,
  kinds: captureSpecs,
  everySeconds: integer({ min: 5, max: 7 * 24 * 3600 }),
  enabled: optional(boolean()),
  /** Capture through this SSH host's port forward (it must be connected when a tick fires). */
  via: optional(sshHostArg),
  /** Each tick's run is named "RUN <time>" (default: the target's name) and its artifacts get these labels. */
  run: optional(string({ min: 1, max: 256 })),
  labels: optional(labelMap),
});
const blockingKind = oneOf(['net', 'sync', 'syscall', 'sched'] as const);
const traceBlockingArgs = object({ id, kind: blockingKind });
const traceBlockingTopArgs = object({ id, kind: blockingKind, sampleType: optional(oneOf(['delay', 'contentions'] as const)), nodecount: optional(integer({ min: 0, max: 100000 })), cum: optional(boolean()) });
const traceBlockingExportArgs = object({ id, kind: blockingKind, format: oneOf(['pprof', 'collapsed'] as const) });
const traceMmuArgs = object({
  id,
  stw: optional(boolean()),
  background: optional(boolean()),
  assist: optional(boolean()),
  sweep: optional(boolean()),
  points: optional(integer({ min: 2, max: 1000 })),
  minWindowNs: optional(integer({ min: 1, max: 3600e9 })),
  /** Window sizes (ns) whose worst windows the curve lists (default 1 ms, 10 ms, 100 ms, 1 s that fit). */
  worstWindowsNs: optional(array(integer({ min: 1, max: 3600e9 }), { max: 8 })),
});
/** One goroutine (dense index, as the timeline numbers them) at one time (ns from the trace start). */
const traceSpanArgs = object({ id, g: integer({ min: 0, max: 2 ** 31 - 1 }), timeNs: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) });
const historyArgs = object({ targetId: optional(id), scheduleId: optional(id), limit: optional(integer({ min: 1, max: 1000 })) });

export const contract = {
  libraryInfo: method<Infer<typeof none>, LibraryInfo>(none),
  listArtifacts: method<Infer<typeof listArgs>, Artifact[]>(listArgs),
  /** `limit` artifacts of the list from `offset`, and how many the list has in all. */
  listArtifactsPage: method<Infer<typeof listPageArgs>, ArtifactPage>(listPageArgs),
  getArtifact: method<{ id: string }, Artifact>(object({ id })),
  importFile: method<Infer<typeof importArgs>, ImportResult>(importArgs),
  deleteArtifact: method<{ id: string }, { deleted: boolean }>(object({ id })),
  setLabel: method<{ id: string; key: string; value: string }, Artifact>(object({ id, key: labelKey, value: labelValue })),
  removeLabel: method<{ id: string; key: string }, Artifact>(object({ id, key: labelKey })),
  loadDemo: method<Infer<typeof none>, ImportResult>(none),
  profileMeta: method<{ id: string }, ProfileMeta>(object({ id })),
  flameGraph: method<Infer<typeof flameArgs>, FlameGraph>(flameArgs),
  /** The call tree: flame graph columns with each node's children by decreasing cum. */
  callTree: method<Infer<typeof viewArgs>, FlameGraph>(viewArgs),
  /** Callers and callees of one function, with its flat and cum. */
  sandwich: method<Infer<typeof sandwichArgs>, Sandwich>(sandwichArgs),
  /** Per function base, new and change of a comparison (diffBase required). */
  diffTable: method<Infer<typeof diffTableArgs>, DiffTable>(diffTableArgs),
  /** The view as a file: pprof (.pb.gz), folded stacks, or the flame graph as SVG / PNG. */
  exportView: method<Infer<typeof exportArgs>, ExportedView>(exportArgs),
  topTable: method<Infer<typeof topArgs>, TopTable>(topArgs),
  /** Merges profiles into a new pprof artifact whose summary and labels name its sources. */
  saveMerged: method<Infer<typeof saveMergedArgs>, Artifact>(saveMergedArgs),
  /** SSH hosts, remote processes, remote perf and GC-trace runs (api/ssh-contract.ts). */
  ...sshMethods,
  // Collection from /debug/pprof endpoints: targets, capture jobs (poll captureStatus), schedules, history.
  collectInfo: method<Infer<typeof none>, CollectInfo>(none),
  listTargets: method<Infer<typeof none>, Target[]>(none),
  saveTarget: method<Infer<typeof saveTargetArgs>, Target>(saveTargetArgs),
  deleteTarget: method<{ id: string }, { deleted: boolean }>(object({ id })),
  startCapture: method<Infer<typeof startCaptureArgs>, { jobId: string }>(startCaptureArgs),
  captureStatus: method<{ jobId: string }, CaptureJobStatus>(jobArgs),
  cancelCapture: method<{ jobId: string }, CaptureJobStatus>(jobArgs),
  listCaptureJobs: method<Infer<typeof none>, CaptureJobStatus[]>(none),
  listSchedules: method<Infer<typeof none>, CaptureSchedule[]>(none),
  saveSchedule: method<Infer<typeof saveScheduleArgs>, CaptureSchedule>(saveScheduleArgs),
  deleteSchedule: method<{ id: string }, { deleted: boolean }>(object({ id })),
  captureHistory: method<Infer<typeof historyArgs>, CaptureHistoryEntry[]>(historyArgs),
  // Go execution traces (services/trace-service.ts).
  traceSummary: method<{ id: string }, TraceSummary>(object({ id })),
  /** A blocking profile (net, sync, syscall, sched) as go tool trace -pprof makes it, as a flame graph of delay. */
  traceBlockingProfile: method<Infer<typeof traceBlockingArgs>, FlameGraph>(traceBlockingArgs),
  /** Its `go tool pprof -top` table (delay in ns, or contentions; nodecount 0 for every row, default 50; cum: as -top -cum). */
  traceBlockingTop: method<Infer<typeof traceBlockingTopArgs>, TopTable>(traceBlockingTopArgs),
  /** It as a file: pprof (.pb.gz, as go tool trace -pprof writes) or folded stacks of delay. */
  traceBlockingExport: method<Infer<typeof traceBlockingExportArgs>, ExportedView>(traceBlockingExportArgs),
  /** Minimum mutator utilization per window size, and the utilization steps it comes from. */
  traceMmu: method<Infer<typeof traceMmuArgs>, MmuCurve>(traceMmuArgs),
  /** The timeline's lanes (per goroutine and per P), GC/STW/assist ranges, heap series, tasks, regions, as typed arrays. */
  traceTimeline: method<{ id: string }, TraceTimelineWire>(object({ id })),
  /** The timeline's first view: every lane rasterised for the whole trace at widthPx, without the interval columns (api/trace-timeline-types.ts). */
  traceTimelineOverview: method<{ id: string; widthPx: number }, TraceTimelineOverview>(object({ id, widthPx: integer({ min: 1, max: 16384 }) })),
  /** traceTimeline's answer as its binary frame cut in parts (api/trace-timeline-types.ts TraceTimelinePart): the view takes a big trace's in piece by piece. */
  traceTimelinePart: method<{ id: string; part: number }, TraceTimelinePart>(object({ id, part: integer({ min: 0, max: 1 << 20 }) })),
  /** One span of a goroutine lane: state, reason, duration, stacks, and the event that woke it. */
  traceSpan: method<Infer<typeof traceSpanArgs>, TraceSpan>(traceSpanArgs),
  /** GC logs: run view, what-if, trade-off (api/gc-contract.ts). */
  ...gcMethods,
  /** Runs, run comparison, trends (api/runs-contract.ts). */
  ...runsMethods,
  /** Annotated source, peek, escape analysis joined to profiles (api/source-contract.ts). */
  ...sourceMethods(viewOptionsFields, frameRegexp),
  /** The call graph of a view, as pprof -dot (api/graph-contract.ts). */
  ...graphMethods(viewOptionsFields),
  /** Goroutine dumps and the leak view, runtime metrics over time (api/goroutine-contract.ts). */
  ...goroutineMethods,
  /** Files handed over in pieces, and the native dialog's files, imported as jobs with progress (api/upload-contract.ts). */
  ...uploadMethods(importLabels),
};

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type ArgsOf<M extends MethodName> = Contract[M] extends Method<infer A, unknown> ? A : never;
export type ResultOf<M extends MethodName> = Contract[M] extends Method<unknown, infer R> ? R : never;

/** The engine's face: one async function per contract method, one argument object each. */
export type GpwApi = { [M in MethodName]: (args: ArgsOf<M>) => Promise<ResultOf<M>> };

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

/**
 * Validates and runs one call from an untrusted caller, always answering with an envelope.
 * Every transport calls this and nothing else.
 */
export async function dispatch(api: GpwApi, name: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isMethodName(name)) throw new GpwError('invalid_argument', `unknown method ${String(name).slice(0, 64)}`);
    const args = contract[name].args.parse(rawArgs, name);
    const fn = api[name] as (a: unknown) => Promise<unknown>;
    return { ok: true, value: await fn.call(api, args) };
  } catch (err) {
    return { ok: false, error: errorBody(err) };
  }
}
