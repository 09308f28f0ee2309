// The views and exports of one ProfileView (a profile after merge, diff and filters), by
// sample-type name: the call tree, the sandwich of a function, the comparison table, and the
// view exported as pprof, folded stacks, SVG or PNG. Used by the profile worker.

import type { ProfileView } from './profile-view.js';
import { resolveSampleType } from './profile-ops.js';
import { buildFlameGraph } from './flame-graph.js';
import { sortCallTree, type CallTree } from './call-tree.js';
import { buildSandwich, type Sandwich } from './sandwich.js';
import { buildDiffTable, type DiffTable, type DiffTableOptions } from './diff-table.js';
import { renderFlameSvg } from './flame-svg.js';
import { renderFlamePng } from './flame-png.js';
import { collapseProfile } from './collapsed.js';
import { encodePprof } from '../formats/pprof/encode-pprof.js';
import { GpwError } from '../api/errors.js';
import type { ExportFormat } from '../api/types.js';


export interface ExportRequest {
  format: ExportFormat;
  /** For svg/png: the inverted (bottom-up) flame graph. */
  inverted?: boolean;
  /** For svg/png: width in pixels. */
  width?: number;
  /** For svg/png: a heading above the graph. */
  title?: string;
}

export interface ExportedFile {
  bytes: Uint8Array;
  mediaType: string;
  /** File name ending, with the dot. */
  extension: string;
}

/** Whether `diff` views (a base subtracted) should carry signed changes. */
export interface ViewContext {
  diff: boolean;
}

export function callTreeOf(view: ProfileView, sampleType: string | undefined, ctx: ViewContext): CallTree {
  const t = resolveSampleType(view.profile, sampleType);
  return sortCallTree(buildFlameGraph(view.profile, t, { signed: ctx.diff }));
}

export function sandwichOf(view: ProfileView, sampleType: string | undefined, name: string, ctx: ViewContext): Sandwich {
  return buildSandwich(view.profile, resolveSampleType(view.profile, sampleType), name, ctx.diff);
}

export function diffTableOf(view: ProfileView, sampleType: string | undefined, options: DiffTableOptions, ctx: ViewContext): DiffTable {
  if (!ctx.diff) throw new GpwError('invalid_argument', 'a comparison table needs a base profile to compare with (diffBase)');
  return buildDiffTable(view.profile, resolveSampleType(view.profile, sampleType), options);
}

export function exportOf(view: ProfileView, sampleType: string | undefined, req: ExportRequest, ctx: ViewContext): ExportedFile {
  const t = resolveSampleType(view.profile, sampleType);
  switch (req.format) {
    case 'pprof':
      return { bytes: encodePprof(view.profile), mediaType: 'application/gzip', extension: '.pb.gz' };
    case 'collapsed':
      return { bytes: new TextEncoder().encode(collapseProfile(view.profile, t)), mediaType: 'text/plain; charset=utf-8', extension: '.folded.txt' };
    case 'svg':
    case 'png': {
      const graph = buildFlameGraph(view.profile, t, { inverted: req.inverted, signed: ctx.diff });
      const options = { width: req.width, title: req.title };
      if (req.format === 'svg') return { bytes: new TextEncoder().encode(renderFlameSvg(graph, options)), mediaType: 'image/svg+xml', extension: '.svg' };
      return { bytes: renderFlamePng(graph, options), mediaType: 'image/png', extension: '.png' };
    }
  }
}

/** What a view combines, for the names of its exports. */
export interface ViewShape {
  diff: boolean;
  merged: boolean;
  inverted: boolean;
}

const PROFILE_EXTENSIONS = /\.(pb\.gz|pprof\.gz|pb|pprof|prof|txt|folded|gz)$/i;

/** "cpu.pb.gz" + a diff → "cpu-diff.svg": the source's name without its extension, what the view is, the format's ending. */
export function exportFileName(source: string, shape: ViewShape, extension: string): string {
  const stem = source.replace(PROFILE_EXTENSIONS, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'profile';
  const parts = [stem, shape.merged ? 'merged' : '', shape.diff ? 'diff' : '', shape.inverted ? 'inverted' : ''].filter(Boolean);
  return parts.join('-') + extension;
}

/** The heading of an exported picture. */
export function exportTitle(source: string, shape: ViewShape): string {
  return `${source}${shape.merged ? ' (merged)' : ''}${shape.diff ? ' compared with its base' : ''}`;
}
