// The compiler's escape analysis joined to a heap or allocs profile by file and line: each
// diagnostic gets the profile's figures at its line, and each line that allocates gets the
// compiler's verdicts and a reason ("hot allocations and why"). Files are matched by path
// suffix; a file whose functions the compiler declares at other lines than the profile records
// (another tree, another version of the source) is not joined, and the report says so.

import type { EscapeDiagnostic, EscapeLog } from '../../formats/escapes/escapes.js';
import type { ListReport, ListedRoutine } from './list.js';

export interface EscapeSite {
  file: string;
  line: number;
  column: number;
  /** The enclosing function: the compiler's name (-m=2) or the profile's function at that line. */
  function: string;
  what: string;
  escapes: boolean;
  verdict: EscapeDiagnostic['verdict'];
  /** The compiler's flow, one step a line (-m=2, -json). */
  reasons: string[];
  /** The profile's figures at the site's line (0 without a profile or when nothing was sampled there). */
  flat: number;
  cum: number;
}

/** One line that allocates in the profile, with what the compiler said about it. */
export interface HotAllocation {
  file: string;
  line: number;
  function: string;
  flat: number;
  cum: number;
  sites: EscapeSite[];
  /** Why it is on the heap, in words. */
  why: string;
}

export interface EscapeJoin {
  sites: EscapeSite[];
  hot: HotAllocation[];
  /** Sites whose line the profile has figures for. */
  joined: number;
  /** Profile files matched to the escape log's files. */
  files: { escapes: string; profile: string }[];
  /** Said when nothing joins or files were refused. */
  notes: string[];
}

const parts = (p: string): string[] => p.replace(/\\/g, '/').split('/').filter((x) => x !== '' && x !== '.' && x !== '..');

/**
 * How well two names of a file agree, by trailing path components ("./main.go" and
 * "gpw/tests/hotspots/main.go": 1; "/src/x/hotspots/main.go" and "gpw/tests/hotspots/main.go": 2);
 * 0 when the file names differ, or when neither is a suffix of the other and only the file name is shared.
 */
function suffixMatch(profileFile: string, escapesFile: string): number {
  const a = parts(profileFile);
  const b = parts(escapesFile);
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n >= 2 || (n === 1 && Math.min(a.length, b.length) === 1) ? n : 0;
}

/** "gpw/tests/x.(*T).foo" → "(*T).foo"; "main.allocate" → "allocate". */
export function shortName(fn: string): string {
  const slash = fn.lastIndexOf('/', fn.indexOf('(') >= 0 ? fn.indexOf('(') : fn.length);
  const rest = fn.slice(slash + 1);
  const dot = rest.indexOf('.');
  return dot >= 0 ? rest.slice(dot + 1) : rest;
}

/** Evidence that an escape-log file and a profile file are the same source: agreements and conflicts. */
function sameSource(log: EscapeLog, escFile: string, routines: ListedRoutine[]): { agree: number; conflict: string | null } {
  const decls = log.decls.filter((d) => d.file === escFile);
  let agree = 0;
  for (const r of routines) {
    if (r.startLine <= 0) continue;
    const short = shortName(r.name);
    if (log.format === 'json') {
      // The JSON declares every function of the file (inlinable or not), by position only.
      if (decls.some((d) => d.line === r.startLine)) agree++;
      else if (decls.length > 0 && !/\.func\d+/.test(r.name)) return { agree, conflict: `the compiler declares no function at line ${r.startLine}, where the profile's ${r.name} starts` };
      continue;
    }
    for (const d of decls) {
      if (d.name === short && d.line !== r.startLine) return { agree, conflict: `the compiler declares ${d.name} at line ${d.line}, the profile at line ${r.startLine}` };
      if (d.line === r.startLine && d.name !== short && !short.startsWith(d.name + '.') && !d.name.startsWith(short + '.')) {
        return { agree, conflict: `line ${d.line} declares ${d.name} for the compiler, ${r.name} in the profile` };
      }
      if (d.line === r.startLine && d.name === short) agree++;
    }
  }
  // -m=2 names each verdict's function: it must be one the profile has in this file around that line.
  for (const d of log.diagnostics) {
    if (d.file !== escFile || !d.function) continue;
    const r = routines.find((x) => shortName(x.name) === d.function);
    if (r && r.startLine > d.line) return { agree, conflict: `${d.function} holds line ${d.line} for the compiler but starts at line ${r.startLine} in the profile` };
    if (r) agree++;
  }
  return { agree, conflict: null };
}

function whyOf(sites: EscapeSite[], format: EscapeLog['format']): string {
  const esc = sites.find((s) => s.escapes);
  if (esc) return esc.what;
  if (sites.some((s) => s.verdict === 'noescape')) {
    return 'does not escape, yet allocated on the heap: its size is not a constant, or it is too large for the stack';
  }
  if (format === 'json') return 'no escape at this line (the -json output lists only what escapes): heap-allocated for its size (not a constant, or too large for the stack), or by a call inlined here';
  return 'the compiler said nothing about this line (an allocation by a call inlined here, or by the runtime for it)';
}

/**
 * Joins `log` to the figures of every function of a profile (listFunctions over all names,
 * file names as recorded). Without a profile (`list` null) the sites come alone.
 */
export function joinEscapes(log: EscapeLog, list: ListReport | null): EscapeJoin {
  const routines = list?.routines.filter((r) => r.file !== '') ?? [];
  const escFiles = [...new Set(log.diagnostics.map((d) => d.file))];
  const profileFiles = [...new Set(routines.map((r) => r.file))];
  const notes: string[] = [];
  const files: { escapes: string; profile: string }[] = [];
  const fileOf = new Map<string, string>();
  for (const ef of escFiles) {
    // "./main.go" under "# gpw/tests/hotspots" is gpw/tests/hotspots/main.go: matched with its package path.
    const pkg = log.diagnostics.find((d) => d.file === ef)?.pkg;
    const named = pkg ? `${pkg}/${parts(ef).join('/')}` : ef;
    const byPath = profileFiles.filter((pf) => suffixMatch(pf, named) >= 2).sort((x, y) => suffixMatch(y, named) - suffixMatch(x, named));
    // Else by the file name alone, when the functions the compiler declares there start where the profile says.
    const byName = byPath.length > 0 ? [] : profileFiles.filter((pf) => suffixMatch(pf, ef) > 0);
    for (const pf of [...byPath, ...byName]) {
      const check = sameSource(log, ef, routines.filter((r) => r.file === pf));
      if (check.conflict) {
        notes.push(`${named} is not the source of the profile's ${pf}: ${check.conflict}`);
        continue;
      }
      if (byPath.length === 0 && check.agree === 0) {
        notes.push(`${named} is not known to be the source of the profile's ${pf}: only their file names agree, and no function the compiler declares there starts where the profile says`);
        continue;
      }
      fileOf.set(ef, pf);
      files.push({ escapes: named, profile: pf });
      break;
    }
  }

  // Profile figures per file and line, and the function holding each line.
  const perLine = new Map<string, { flat: number; cum: number; fn: string }>();
  for (const r of routines) {
    for (const l of r.lines) {
      const key = `${r.file}:${l.line}`;
      const e = perLine.get(key) ?? { flat: 0, cum: 0, fn: r.name };
      e.flat += l.flat;
      e.cum += l.cum;
      perLine.set(key, e);
    }
  }
  const functionAt = (file: string, line: number): string => {
    let best: ListedRoutine | null = null;
    for (const r of routines) if (r.file === file && r.startLine > 0 && r.startLine <= line && (!best || r.startLine > best.startLine)) best = r;
    return best?.name ?? '';
  };

  let joined = 0;
  const sites: EscapeSite[] = log.diagnostics
    .filter((d) => d.verdict !== 'leak')
    .map((d) => {
      const pf = fileOf.get(d.file);
      const fig = pf ? perLine.get(`${pf}:${d.line}`) : undefined;
      if (fig) joined++;
      return {
        file: pf ?? d.file,
        line: d.line,
        column: d.column,
        function: d.function ?? fig?.fn ?? (pf ? functionAt(pf, d.line) : ''),
        what: d.message,
        escapes: d.verdict === 'escapes',
        verdict: d.verdict,
        reasons: d.flow,
        flat: fig?.flat ?? 0,
        cum: fig?.cum ?? 0,
      };
    });
  if (list) sites.sort((a, b) => Math.abs(b.flat) - Math.abs(a.flat) || Math.abs(b.cum) - Math.abs(a.cum) || a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);

  const hot: HotAllocation[] = [];
  const joinedFiles = new Set(fileOf.values());
  for (const [key, fig] of perLine) {
    if (fig.flat === 0) continue;
    const cut = key.lastIndexOf(':');
    const file = key.slice(0, cut);
    if (!joinedFiles.has(file)) continue;
    const line = Number(key.slice(cut + 1));
    const here = sites.filter((s) => s.file === file && s.line === line);
    hot.push({ file, line, function: fig.fn, flat: fig.flat, cum: fig.cum, sites: here, why: whyOf(here, log.format) });
  }
  hot.sort((a, b) => Math.abs(b.flat) - Math.abs(a.flat) || a.file.localeCompare(b.file) || a.line - b.line);

  if (list && joined === 0) {
    const inLog = escFiles.slice(0, 5).join(', ') || 'no files';
    notes.push(`nothing joins: none of the ${sites.length} sites of the escape analysis (${inLog}) falls on a line the profile has figures for; the escape analysis is of another source tree or version`);
  }
  return { sites, hot, joined, files, notes };
}

/** What the compiler said about one allocating line of a function, for the top table and the flame graph's tooltip. */
export interface FunctionEscapeNote {
  file: string;
  line: number;
  /** "make([]byte, 512 + i % 7 * 256) escapes to heap", "moved to heap: x", or why it is on the heap when the compiler said it does not escape. */
  text: string;
  escapes: boolean;
  flat: number;
}

/**
 * The hot allocations by function, hottest first: computed once per joined report, so a row or
 * a hovered frame only looks its name up.
 */
export function escapeNotesByFunction(hot: HotAllocation[]): Map<string, FunctionEscapeNote[]> {
  const out = new Map<string, FunctionEscapeNote[]>();
  for (const h of hot) {
    if (h.sites.length === 0) continue;
    const escaping = [...new Set(h.sites.filter((s) => s.escapes).map((s) => s.what))];
    const note = { file: h.file, line: h.line, flat: h.flat, escapes: escaping.length > 0, text: escaping.length > 0 ? escaping.join('; ') : h.why };
    const list = out.get(h.function) ?? [];
    list.push(note);
    out.set(h.function, list);
  }
  for (const list of out.values()) list.sort((a, b) => Math.abs(b.flat) - Math.abs(a.flat) || a.line - b.line);
  return out;
}

/** A note in a few words: "escapes to heap", "moved to heap: x", "does not escape (heap: size)". */
export function escapeNoteLabel(n: FunctionEscapeNote): string {
  if (!n.escapes) return 'does not escape (heap: size)';
  const first = n.text.split('; ')[0];
  return / escapes to heap$/.test(first) ? 'escapes to heap' : first;
}
