// pprof's -list: per source line of each function matching a regexp, its flat and cum, from
// the view (filters applied) at line granularity, grouped by function name and file the way
// pprof's report groups them. Pure: which source text goes with the lines is the service's job
// (services/source-service.ts); this gives the figures and the window of lines to show.

import type { Profile } from '../../model/profile.js';
import type { ProfileView } from '../profile-view.js';
import { applyGranularity, cleanPath } from '../granularity.js';
import { buildFrameTable } from '../frames.js';
import { accumulate } from '../top.js';
import { trimSourcePath } from './source-path.js';

export interface LineFigures {
  line: number;
  flat: number;
  cum: number;
}

/** One "ROUTINE" of pprof's -list: a function in one file. */
export interface ListedRoutine {
  name: string;
  /** The file name as pprof shows it (cleaned, trimmed by -trim_path / the search folders); '' when the profile has none (pprof: "No source information for"). */
  file: string;
  /** The file name the profile records. */
  recordedFile: string;
  /** The function's first line as the profile records it (0: unknown). */
  startLine: number;
  flat: number;
  cum: number;
  /** Lines with samples, ascending. */
  lines: LineFigures[];
  /** pprof's window of lines to print: [from, to] (to may be past the file's end). */
  from: number;
  to: number;
}

export interface ListReport {
  sampleType: string;
  unit: string;
  total: number;
  routines: ListedRoutine[];
  warnings: string[];
}

export interface ListOptions {
  /** Folders to look in (pprof's -source_path, split); only their base names matter here. */
  searchPath: string[];
  /** pprof's -trim_path (':'-separated prefixes). */
  trimPath: string;
}

interface NodeInfo {
  name: string;
  file: string;
  recordedFile: string;
  line: number;
  startLine: number;
}

/** What each line-granularity node name stands for, from the lines it was made of. */
function nodeInfos(original: Profile, byLine: Profile, options: ListOptions): Map<string, NodeInfo> {
  const infos = new Map<string, NodeInfo>();
  for (let li = 0; li < byLine.lineFunction.length; li++) {
    const g = byLine.lineFunction[li];
    const f = original.lineFunction[li];
    if (g < 0 || f < 0) continue;
    const key = byLine.strings[byLine.functionName[g]];
    if (infos.has(key)) continue;
    const recorded = original.strings[original.functionFile[f]];
    const clean = recorded ? cleanPath(recorded) : '';
    infos.set(key, {
      name: original.strings[original.functionName[f]],
      recordedFile: recorded,
      file: clean && trimSourcePath(clean, options.trimPath, options.searchPath),
      line: original.lineNumber[li],
      startLine: original.functionStartLine[f],
    });
  }
  return infos;
}

const sums = (nodes: { flat: number; cum: number }[]): { flat: number; cum: number } => ({
  flat: nodes.reduce((s, n) => s + n.flat, 0),
  cum: nodes.reduce((s, n) => s + n.cum, 0),
});

const MARGIN = 5;

/** pprof's window: from the function's start line (else 5 before a line) to 5 after the last. */
function windowOf(nodes: NodeInfo[]): { from: number; to: number } {
  let from = nodes[0].startLine || nodes[0].line - MARGIN;
  let to = nodes[0].line + MARGIN;
  for (const n of nodes) {
    const nodeFrom = n.startLine || n.line - MARGIN;
    const nodeTo = n.line + MARGIN;
    if (nodeFrom < from) from = nodeFrom;
    else if (nodeTo > to) to = nodeTo;
  }
  return { from: Math.max(1, from), to };
}

export function listFunctions(view: ProfileView, typeIndex: number, symbol: RegExp, options: ListOptions): ListReport {
  const byLine = applyGranularity(view.profile, 'lines');
  const frames = buildFrameTable(byLine, { showAddresses: false });
  const { flat, cum } = accumulate(byLine, frames, typeIndex);
  const infos = nodeInfos(view.profile, byLine, options);

  // Nodes of each matching function name, in the order pprof's graph holds them.
  const byName = new Map<string, { info: NodeInfo; flat: number; cum: number }[]>();
  frames.names.forEach((nodeName, i) => {
    if (flat[i] === 0 && cum[i] === 0) return;
    const info = infos.get(nodeName);
    if (!info || !symbol.test(info.name)) return;
    let list = byName.get(info.name);
    if (!list) byName.set(info.name, (list = []));
    list.push({ info, flat: flat[i], cum: cum[i] });
  });

  const routines: ListedRoutine[] = [];
  for (const name of [...byName.keys()].sort()) {
    const byFile = new Map<string, { info: NodeInfo; flat: number; cum: number }[]>();
    for (const n of byName.get(name)!) {
      if (n.info.file === '') continue;
      let list = byFile.get(n.info.file);
      if (!list) byFile.set(n.info.file, (list = []));
      list.push(n);
    }
    if (byFile.size === 0) {
      const nodes = byName.get(name)!;
      routines.push({ name, file: '', recordedFile: '', startLine: 0, lines: [], from: 0, to: -1, ...sums(nodes) });
      continue;
    }
    for (const file of [...byFile.keys()].sort()) {
      const nodes = byFile.get(file)!;
      const perLine = new Map<number, LineFigures>();
      for (const n of nodes) {
        const l = perLine.get(n.info.line) ?? { line: n.info.line, flat: 0, cum: 0 };
        l.flat += n.flat;
        l.cum += n.cum;
        perLine.set(n.info.line, l);
      }
      routines.push({
        name,
        file,
        recordedFile: nodes[0].info.recordedFile,
        startLine: nodes[0].info.startLine,
        ...sums(nodes),
        lines: [...perLine.values()].sort((a, b) => a.line - b.line),
        ...windowOf(nodes.map((n) => n.info)),
      });
    }
  }
  const st = view.profile.sampleTypes[typeIndex];
  return { sampleType: st.type, unit: st.unit, total: view.totals[typeIndex], routines, warnings: view.warnings };
}
