// The contract's runs methods (spread into `contract` in contract.ts): the runs list and its
// edits, run comparison, trends and "compare with previous" (services/runs-service.ts).

import { array, boolean, checkedString, finiteNumber, integer, object, oneOf, optional, string, stringMap, type Infer, type Schema, method, type Method } from './schema.js';
import type { Artifact } from './types.js';
import type { RunComparison, RunInfo, Trend } from './runs-types.js';
import { goRegexpProblem } from '../analysis/filters/go-regexp.js';


const id = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
/** A run's id or name. */
const runRef = string({ min: 1, max: 256 });
const labelKey = string({ min: 1, max: 128, pattern: /^(?!(?:__proto__|constructor|prototype)$)[A-Za-z0-9_.:/-]+$/ });
const labels = stringMap(labelKey, string({ max: 1024 }));
/** Most artifacts a side of a comparison may name one by one. */
export const MAX_SIDE_ARTIFACTS = 1000;

const listRunsArgs = object({ labels: optional(labels), text: optional(string({ max: 1024 })), limit: optional(integer({ min: 1, max: 100000 })) });
const updateRunArgs = object({
  run: runRef,
  rename: optional(string({ min: 1, max: 256 })),
  labels: optional(labels),
  removeLabels: optional(array(labelKey, { max: 64 })),
  note: optional(string({ max: 16 * 1024 })),
});
const deleteRunArgs = object({ run: runRef, deleteArtifacts: optional(boolean()) });
const moveArgs = object({ ids: array(id, { min: 1, max: 10000 }), run: optional(string({ min: 1, max: 256 })) });
/** A side: a run (id or name), or artifacts named one by one. */
const side = object({ run: optional(runRef), ids: optional(array(id, { min: 1, max: MAX_SIDE_ARTIFACTS })) });
const compareArgs = object({
  base: side,
  new: side,
  alpha: optional(finiteNumber({ min: 1e-9, max: 0.5 })),
  kind: optional(string({ min: 1, max: 64 })),
  mode: optional(oneOf(['absolute', 'perSecond', 'share'] as const)),
  limit: optional(integer({ min: 1, max: 100000 })),
});
const trendArgs = object({
  kind: optional(string({ min: 1, max: 64 })),
  function: optional(checkedString({ max: 1024 }, goRegexpProblem)),
  sampleIndex: optional(string({ min: 1, max: 256 })),
  metric: optional(string({ min: 1, max: 1024 })),
  labels: optional(labels),
  text: optional(string({ max: 1024 })),
});

export type CompareSideArg = Infer<typeof side>;

export const runsMethods = {
  /** Runs, newest first, with their labels, note, time span and counts per kind. */
  listRuns: method<Infer<typeof listRunsArgs>, RunInfo[]>(listRunsArgs),
  /** One run and its artifacts. */
  getRun: method<{ run: string }, { run: RunInfo; artifacts: Artifact[] }>(object({ run: runRef })),
  /** Rename, label, unlabel, annotate a run. */
  updateRun: method<Infer<typeof updateRunArgs>, RunInfo>(updateRunArgs),
  /** Deletes a run (its artifacts too when asked; else they stay, without a run). */
  deleteRun: method<Infer<typeof deleteRunArgs>, { deleted: boolean; artifactsDeleted: number }>(deleteRunArgs),
  /** Moves artifacts into a run (made when new), or out of their run when `run` is absent. */
  moveArtifacts: method<Infer<typeof moveArgs>, { moved: number }>(moveArgs),
  /** Two runs (or two sets of artifacts) compared for every kind both hold. */
  compareRuns: method<Infer<typeof compareArgs>, RunComparison>(compareArgs),
  /** The run before this one with the same labels (version and commit aside). */
  previousRun: method<{ run: string }, RunInfo>(object({ run: runRef })),
  /** A go test -bench artifact's results as benchstat prints one file: per unit, each benchmark's median ± CI. */
  benchTables: method<{ id: string }, RunComparison['bench']>(object({ id })),
  /** One point per run of a function's cum or a GC / trace / benchmark figure, with change points. */
  runTrend: method<Infer<typeof trendArgs>, Trend>(trendArgs),
};
