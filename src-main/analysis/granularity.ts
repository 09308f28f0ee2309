// pprof's -functions / -lines / -files: what one node of a report stands for. The profile's
// functions are renamed to pprof's node names ("main.f", "main.f /src/f.go:12", "/src/f.go"),
// so every view that names frames by function (top, flame graph, call tree) shows that
// granularity; frames without symbols keep being named by their binary.

import type { Profile } from '../model/profile.js';
import { StringTable } from '../model/string-table.js';

export type Granularity = 'functions' | 'lines' | 'files';

/** Go's filepath.Clean for slash-separated paths. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return rooted ? '/' + joined : joined || '.';
}

/** pprof's node name of one line at a granularity ('' when only the binary can name it). */
function nodeName(name: string, file: string, line: number, g: Granularity): string {
  const path = file ? cleanPath(file) : '';
  if (g === 'files') return path;
  if (line !== 0) return [name, `${path}:${line}`].filter(Boolean).join(' ');
  return [name, path].filter(Boolean).join(' ');
}

export function applyGranularity(profile: Profile, g: Granularity | undefined): Profile {
  if (!g || g === 'functions') return profile;
  const table = new StringTable(profile.strings);
  const intern = (s: string): number => table.id(s);
  const fnIds = new Map<string, number>();
  const fnName: number[] = [];
  const fnFile: number[] = [];
  const fnStart: number[] = [];
  const lineFunction = new Int32Array(profile.lineFunction.length);
  for (let li = 0; li < lineFunction.length; li++) {
    const f = profile.lineFunction[li];
    if (f < 0) {
      lineFunction[li] = -1;
      continue;
    }
    const file = profile.strings[profile.functionFile[f]];
    const name = nodeName(profile.strings[profile.functionName[f]], file, g === 'lines' ? profile.lineNumber[li] : 0, g);
    // pprof's -files nodes are named by file but keyed by file and the function's start line.
    const startLine = g === 'files' && name ? profile.functionStartLine[f] : 0;
    const key = `${name}\0${startLine}`;
    let id = fnIds.get(key);
    if (id === undefined) {
      id = fnName.length;
      fnName.push(intern(name));
      fnFile.push(intern(file));
      fnStart.push(startLine);
      fnIds.set(key, id);
    }
    lineFunction[li] = id;
  }
  return {
    ...profile,
    strings: table.list,
    functionName: Int32Array.from(fnName),
    functionSystemName: Int32Array.from(fnName),
    functionFile: Int32Array.from(fnFile),
    functionStartLine: Float64Array.from(fnStart),
    functionsAreNodes: g === 'files',
    lineFunction,
    lineNumber: g === 'lines' ? profile.lineNumber : new Float64Array(profile.lineNumber.length),
  };
}
