// Shapes that cross the contract: what the renderer, the CLI and scripts see.

import type { ProfileSummary, ProfileType } from '../analysis/profile-summary.js';
import type { TopRow } from '../analysis/top.js';
import type { FlameGraph } from '../analysis/flame-graph.js';
import type { Sandwich } from '../analysis/sandwich.js';
import type { DiffRow, DiffTable } from '../analysis/diff-table.js';

export type { ProfileSummary, ProfileType, TopRow, FlameGraph };
export type { Sandwich, DiffRow, DiffTable };
export type { TraceSummary, BlockingTotal, BlockingKind, GoroutineGroup, MmuCurve } from './trace-types.js';

/** A view exported as a file (exportView): its suggested name, media type and bytes. */
export interface ExportedView {
  name: string;
  mediaType: string;
  bytes: Uint8Array;
}
export type * from './ssh-types.js';
export type * from './gc-types.js';
export type * from './goroutine-types.js';

export type ArtifactKind = 'profile' | 'trace' | 'perf' | 'gclog' | 'metrics' | 'bench' | 'escapes' | 'goroutines';

/** Every artifact kind, in the order lists show them. */
export const ARTIFACT_KINDS: readonly ArtifactKind[] = ['profile', 'perf', 'trace', 'gclog', 'metrics', 'bench', 'escapes', 'goroutines'];

export interface Artifact {
  id: string;
  kind: ArtifactKind;
  /** For profiles: cpu, heap, allocs, block, mutex, goroutine, threadcreate, other. */
  subtype: string | null;
  file: string | null;
  source: string;
  sha256: string;
  size: number;
  importedAt: number;
  capturedAt: number | null;
  durationNs: number | null;
  goVersion: string | null;
  run: string | null;
  labels: Record<string, string>;
  sampleTypes: string[];
  summary: ArtifactSummary;
}

/** One page of the library list (listArtifactsPage). */
export interface ArtifactPage {
  /** How many artifacts the whole list has. */
  total: number;
  offset: number;
  artifacts: Artifact[];
}

/**
 * Facts stored with an artifact: a ProfileSummary for profiles ('profile' and 'perf'), and for
 * other kinds the reader's own fields plus a one-line `headline` for the library list.
 */
export type ArtifactSummary = ProfileSummary | OtherSummary;
export interface OtherSummary {
  headline: string;
  [field: string]: unknown;
}

/** Library orders: by capture time (else import time) newest or oldest first, or by import time alone. */
export const ARTIFACT_SORTS = ['newest', 'oldest', 'imported-newest', 'imported-oldest'] as const;
export type ArtifactSort = (typeof ARTIFACT_SORTS)[number];

/** The types a profile artifact's subtype names (what `gpw list --kind` and the library's filter accept besides the kinds). */
export const PROFILE_TYPES = ['cpu', 'heap', 'allocs', 'block', 'mutex', 'goroutine', 'threadcreate', 'collapsed', 'other'] as const;

/** What a listing calls an artifact: a profile's type (cpu, heap, …), else its kind (trace, perf, gclog, …). */
export function kindLabel(a: { kind: string; subtype: string | null }): string {
  return a.kind === 'profile' ? (a.subtype ?? a.kind) : a.kind;
}

/** Kinds that open in the profile view (flame graph, top, filters, diff). */
export const PROFILE_KINDS: readonly ArtifactKind[] = ['profile', 'perf'];

/** The profile summary of a profile-like artifact, or null for other kinds. */
export function profileSummaryOf(a: Pick<Artifact, 'kind' | 'summary'>): ProfileSummary | null {
  return PROFILE_KINDS.includes(a.kind) ? (a.summary as ProfileSummary) : null;
}

export interface ImportResult {
  artifacts: Artifact[];
}

export interface LibraryInfo {
  path: string;
  artifactCount: number;
  blobBytes: number;
  demoAvailable: boolean;
  /**
   * Whether "Import files…" opens the engine's own open dialog (the Electron app's, in its main
   * process: importChosenFiles), else the page's file picker (gpw serve in a browser).
   */
  importDialog: boolean;
}

export interface ProfileMeta {
  artifact: Artifact;
  sampleTypes: { type: string; unit: string }[];
  defaultSampleType: string;
}

export interface TopTable {
  sampleType: string;
  unit: string;
  total: number;
  shownFlat: number;
  droppedNodes: number;
  nodeCutoff: number;
  keptNodes: number;
  rows: TopRow[];
  /** pprof's warnings about the view's filters ("Focus expression matched no samples"). */
  warnings?: string[];
}

/** The view options every profile view takes (pprof's filters, granularity, diff, merge): see viewOptionsFields. */
export type ViewOptions = import('./schema.js').ObjectOf<typeof import('./contract.js').viewOptionsFields>;

export type * from './collect-types.js';

/** Largest file the UI may hand over for import (the CLI reads files itself with the same cap); here so the CLI reads files without loading the contract. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/** The formats a profile view is exported to (analysis/view-ops.ts; here so gpw export checks --format without loading the views' code). */
export const EXPORT_FORMATS = ['pprof', 'collapsed', 'svg', 'png'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
