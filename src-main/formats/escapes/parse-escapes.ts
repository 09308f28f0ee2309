// Reads the compiler's escape-analysis output: `go build -gcflags=-m` and `-m=2` text (lines
// "FILE:LINE:COL: message", "# package" headers, -m=2's indented flow lines under
// "x escapes to heap in F:") and one file of `-gcflags=-json=0,DIR` (a header object, then one
// LSP diagnostic a line with "escflow:" related information). Pure; bad input is a FormatError.

import { FormatError } from '../format-error.js';
import { safeMessage } from '../quote-input.js';
import { verdictOf, type EscapeDiagnostic, type EscapeLog, type FunctionDecl } from './escapes.js';

// The message takes any character: with `.*` a line holding a carriage return or U+2028 failed
// at every ".go:" in it after a scan to its end (a 1.2 MB line of repeated positions: minutes).
const POSITION = /^(.+?\.go):(\d+):(\d+): ([\s\S]*)$/;
const DECL = /^(?:can inline|cannot inline) (\S+?)(?::| with cost |$)/;

/** True when the text's first lines are the compiler's diagnostics or its JSON header. */
export function looksLikeEscapes(head: string): boolean {
  const lines = head.split('\n').slice(0, 200).map((l) => l.replace(/\r$/, ''));
  const first = lines.find((l) => l.trim() !== '') ?? '';
  if (/^\{"version":\d+,"package":/.test(first) && /"gc_version"/.test(first)) return true;
  let compiler = 0;
  let other = 0;
  for (const l of lines.slice(0, -1)) {
    if (l === '' || l.startsWith('# ')) continue;
    const m = POSITION.exec(l);
    if (m && (verdictOf(m[4].trim()) !== null || /^(can inline|cannot inline|inlining call to) /.test(m[4]))) compiler++;
    else if (!m) other++;
  }
  return compiler >= 1 && other <= compiler / 4;
}

export function parseEscapes(text: string): EscapeLog {
  const first = text.slice(0, text.indexOf('\n') + 1 || text.length).trim();
  return first.startsWith('{') ? parseJson(text) : parseText(text);
}

function parseText(text: string): EscapeLog {
  const packages: string[] = [];
  const diagnostics: EscapeDiagnostic[] = [];
  const decls: FunctionDecl[] = [];
  const skipped: number[] = [];
  // -m=2 explains a verdict before stating it: flow lines per position, and the function named in "… in F:".
  const flows = new Map<string, { flow: string[]; fn?: string }>();
  let current: { flow: string[]; fn?: string } | null = null;
  let level2 = false;
  let pkg: string | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    if (line.startsWith('# ')) {
      pkg = line.slice(2).trim();
      packages.push(pkg);
      if (pkg === 'command-line-arguments') pkg = undefined;
      return;
    }
    const m = POSITION.exec(line);
    if (!m) {
      skipped.push(i + 1);
      return;
    }
    const [, file, l, c, rest] = m;
    const inPkg = pkg !== undefined && file.startsWith('./') ? { pkg } : {};
    const key = `${file}:${l}:${c}`;
    const message = rest.trim();
    if (rest.startsWith('  ')) {
      // -m=2 flow lines: "  flow: …", "    from … at ./main.go:71:18".
      level2 = true;
      if (current) current.flow.push(message);
      return;
    }
    // "x escapes to heap in F:" (Go 1.23+) or "x escapes to heap:" (1.22) opens a verdict's flow.
    if (message.endsWith(':')) {
      const header = /^(.+) in (\S+):$/.exec(message);
      const stated = header ? header[1] : message.slice(0, -1);
      if (verdictOf(stated) !== null || / leaks to /.test(stated)) {
        level2 = true;
        current = flows.get(key) ?? { flow: [] };
        if (header) current.fn = header[2];
        flows.set(key, current);
        return;
      }
    }
    current = null;
    const decl = DECL.exec(message);
    if (decl) {
      decls.push({ file, ...inPkg, line: Number(l), name: decl[1] });
      return;
    }
    const verdict = verdictOf(message);
    if (verdict === null) return;
    diagnostics.push({ file, ...inPkg, line: Number(l), column: Number(c), verdict, message, flow: [] });
  });
  for (const d of diagnostics) {
    const f = flows.get(`${d.file}:${d.line}:${d.column}`);
    if (f) {
      d.flow = f.flow;
      if (f.fn) d.function = f.fn;
    }
  }
  if (diagnostics.length === 0 && decls.length === 0) {
    throw new FormatError('no compiler diagnostics ("FILE:LINE:COL: … escapes to heap") in this text: is it the output of go build -gcflags=-m?');
  }
  return { format: level2 ? 'm2' : 'm', packages: [...new Set(packages)], goVersion: null, diagnostics, decls, skipped };
}

interface JsonHeader {
  version: number;
  package: string;
  gc_version?: string;
  file?: string;
}

interface JsonDiagnostic {
  range?: { start?: { line?: number; character?: number } };
  code?: string;
  message?: string;
  relatedInformation?: { message?: string }[];
}

function parseJson(text: string): EscapeLog {
  const lines = text.split('\n');
  let header: JsonHeader;
  try {
    header = JSON.parse(lines[0]) as JsonHeader;
  } catch (err) {
    // JSON.parse quotes the input around the error: escaped, as all quoted input.
    throw new FormatError(`line 1 is not the JSON header of go build -gcflags=-json: ${safeMessage((err as Error).message, 200)}`);
  }
  const file = header.file ?? '';
  const diagnostics: EscapeDiagnostic[] = [];
  const decls: FunctionDecl[] = [];
  const skipped: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let d: JsonDiagnostic;
    try {
      d = JSON.parse(line) as JsonDiagnostic;
    } catch {
      skipped.push(i + 1);
      continue;
    }
    const pos = d.range?.start;
    if (!pos || typeof pos.line !== 'number') {
      skipped.push(i + 1);
      continue;
    }
    const message = (d.message ?? '').trim();
    if (d.code === 'canInlineFunction' || d.code === 'cannotInlineFunction') {
      // A function's declaration, named by position only.
      decls.push({ file, line: pos.line, name: '' });
      continue;
    }
    const verdict = d.code === 'escape' || d.code === 'escapes' ? (message ? 'escapes' : null) : d.code === 'leak' ? 'leak' : null;
    if (verdict === null) continue;
    const flow = (d.relatedInformation ?? []).map((r) => (r.message ?? '').replace(/^escflow:\s*/, '').trim()).filter(Boolean);
    diagnostics.push({ file, line: pos.line, column: pos.character ?? 0, verdict, message, flow });
  }
  return { format: 'json', packages: header.package ? [header.package] : [], goVersion: header.gc_version ?? null, diagnostics, decls, skipped };
}
