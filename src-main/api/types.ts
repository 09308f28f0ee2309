// Shapes that cross the contract: what the renderer, the CLI and scripts see.

import type { ProfileSummary, ProfileType } from '../analysis/profile-summary.js';
import type { TopRow } from '../analysis/top.js';
import type { FlameGraph } from '../analysis/flame-graph.js';

export type { ProfileSummary, ProfileType, TopRow, FlameGraph };

export type ArtifactKind = 'profile' | 'trace' | 'perf' | 'gclog' | 'metrics';

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
  summary: ProfileSummary;
}

export interface ImportResult {
  artifacts: Artifact[];
}

export interface LibraryInfo {
  path: string;
  artifactCount: number;
  blobBytes: number;
  demoAvailable: boolean;
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
}
