// From a hot spot to its cause: pprof's -list with the source text read from disk (the path
// the profile records, the search folders, GOROOT and the module cache), pprof's -peek, and
// the compiler's escape analysis joined to a profile's lines. The figures come from the profile
// worker (analysis/source/); this service reads files and escape logs, which analysis may not.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GpwError } from '../api/errors.js';
import type { DisasmReport, EscapeReport, SourceEscapeNote, SourceFunction, SourceLine, SourceListing } from '../api/source-types.js';
import { goRegexpProblem } from '../analysis/filters/go-regexp.js';
import type { ListReport, ListedRoutine } from '../analysis/source/list.js';
import type { PeekReport } from '../analysis/source/peek.js';
import { joinEscapes, shortName } from '../analysis/source/escape-join.js';
import { notFoundMessage, sourceCandidates, trimSourcePath, type GoDirs } from '../analysis/source/source-path.js';
import { parseEscapes } from '../formats/escapes/parse-escapes.js';
import type { EscapeLog } from '../formats/escapes/escapes.js';
import { FormatError } from '../formats/format-error.js';
import { elfBuildId } from '../formats/elf-build-id.js';
import { compileGoRegexp } from '../analysis/filters/go-regexp.js';
import { annotateInstructions, hasSamples, type AddressFigures, type Instruction } from '../analysis/source/disasm.js';
import type { ProfileWorkerClient } from '../workers/profile-worker-client.js';
import type { ViewRequest } from '../workers/view-request.js';
import type { Library } from '../library/library.js';
import type { Artifact } from '../api/types.js';

export interface SourceOptions {
  sampleType?: string;
  /** Go regexp on function names (pprof -list's argument). */
  function: string;
  /** pprof's -source_path folders; none: the current folder, as pprof. */
  sourcePath?: string[];
  /** pprof's -trim_path. */
  trimPath?: string;
  /** The SSH host the profile was captured through: a source file not found here is read from it. */
  host?: string;
}

/** Reads a file of an SSH host (SshService.readFile): the source of profiles captured through it. */
export type RemoteRead = (host: string, path: string, maxBytes: number) => Promise<Uint8Array>;

/** An escape log and the name to call it by. */
export interface NamedEscapes {
  name: string;
  log: EscapeLog;
  /** The library artifact it was read from (the joins of library escape analyses are kept). */
  id?: string;
}

/** Joined reports kept, by escape analysis, view and sample type: the top table and tooltip ask once, not per hover or tab. */
const CACHED_JOINS = 8;

const MAX_SOURCE_BYTES = 16 << 20;
/** The largest binary read from an SSH host for disassembly. */
const MAX_BINARY_BYTES = 512 << 20;
const CACHED_FILES = 64;

function checkRegexp(what: string, re: string): void {
  const problem = goRegexpProblem(re);
  if (problem) throw new GpwError('invalid_argument', `${what}: ${problem}`);
}

/** The function's declaration is on its start line: "func", and its name for named functions. */
function declaresFunction(text: string, fn: string): boolean {
  if (!/\bfunc\b/.test(text)) return false;
  const short = shortName(fn).replace(/\[.*?\]/g, '');
  const last = short.slice(short.lastIndexOf('.') + 1);
  if (/^func\d+$/.test(last) || /^\d+$/.test(last) || last === 'deferwrap1') return true;
  return text.includes(last);
}

export class SourceService {
  private readonly files = new Map<string, { lines: string[]; mtimeMs: number } | null>();
  private goDirs: GoDirs | null = null;
  private readonly joins = new Map<string, EscapeReport>();
  /** Binaries read from SSH hosts (by "ssh://host/path"), as files of binaryDir. */
  private readonly remoteBinaries = new Map<string, string>();
  private binaryDir: string | null = null;
  /** Source files read from SSH hosts, by "ssh://host/path". */
  private readonly remoteFiles = new Map<string, string[]>();

  constructor(
    private readonly worker: ProfileWorkerClient,
    private readonly library: Library,
    /** The folders and prefixes the front end was started with, for calls that name none (the app). */
    private readonly defaults: { sourcePath?: string[]; trimPath?: string; binaries?: string[] } = {},
    private readonly remote?: RemoteRead,
  ) {}

  /** An escapes artifact of the library, read. */
  escapesArtifact(id: string): NamedEscapes {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    if (a.kind !== 'escapes') throw new GpwError('invalid_argument', `artifact ${id} is a ${a.kind}, not an escape analysis (go build -gcflags=-m)`);
    return { ...this.parseLog(a.file ?? id, this.bytesOf(a)), id: a.id };
  }

  /** gpw serve's --source-path folders that are Go modules (hold a go.mod): the folders the app may build for escape analysis. */
  buildFolders(): { index: number; path: string }[] {
    return (this.defaults.sourcePath ?? []).map((path, index) => ({ index, path })).filter((f) => existsSync(join(f.path, 'go.mod')));
  }

  /** One of buildFolders, by index. */
  buildFolder(index: number): string {
    const f = this.buildFolders().find((x) => x.index === index);
    if (!f) throw new GpwError('not_found', `no module folder ${index}: the app builds the folders gpw serve was given with --source-path that hold a go.mod`);
    return f.path;
  }

  /** The module folder the user picks in the app's native dialog (Electron); null when cancelled. */
  async chooseFolder(dialog: (() => Promise<string | null>) | undefined): Promise<string | null> {
    if (!dialog) throw new GpwError('unavailable', 'building a folder needs the desktop app\'s folder dialog, a folder gpw serve was given with --source-path, or the CLI: gpw escapes --build DIR');
    return dialog();
  }

  /** The escape analysis named, else the newest of the profile's run; an error when there is none. */
  escapesOf(id: string | undefined, profile: Artifact | undefined): NamedEscapes {
    const found = id ? this.escapesArtifact(id) : profile ? this.escapesFor(profile) : undefined;
    if (!found) throw new GpwError('not_found', profile?.run ? `run ${profile.run} has no escape analysis: import the output of go build -gcflags=-m=2 into it` : 'no escape analysis named, and the profile belongs to no run');
    return found;
  }

  /** The escape analysis to show with a profile: the one named, else the newest of the profile's run. */
  escapesFor(profile: Artifact, id?: string): NamedEscapes | undefined {
    if (id) return this.escapesArtifact(id);
    if (!profile.run) return undefined;
    const inRun = this.library.list({ kind: 'escapes', sort: 'newest' }).find((a) => a.run === profile.run);
    return inRun ? { ...this.parseLog(inRun.file ?? inRun.id, this.bytesOf(inRun)), id: inRun.id } : undefined;
  }

  private bytesOf(a: Artifact): Uint8Array {
    const bytes = this.library.blobs.get(a.sha256);
    if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${a.id}`);
    return bytes;
  }

  async list(view: ViewRequest, o: SourceOptions, escapes?: NamedEscapes): Promise<SourceListing> {
    checkRegexp('--function', o.function);
    const searchPath = o.sourcePath?.length ? o.sourcePath : (this.defaults.sourcePath ?? []);
    const trimPath = o.trimPath ?? this.defaults.trimPath ?? '';
    // pprof's -list works at line granularity whatever the view's.
    const report = await this.worker.run<ListReport>(
      { op: 'sourceList', view: withoutGranularity(view), sampleType: o.sampleType, symbol: o.function, searchPath, trimPath },
      view.load,
      view.nameOf,
    );
    if (report.routines.length === 0) throw new GpwError('not_found', `no matches found for regexp: ${o.function}`);
    const lookIn = searchPath.length > 0 ? searchPath : [process.cwd()];
    const functions = await Promise.all(report.routines.map((r) => this.annotateOrFetch(r, lookIn, trimPath, o.host)));
    const listing: SourceListing = { sampleType: report.sampleType, unit: report.unit, total: report.total, functions, warnings: report.warnings };
    if (escapes) listing.escapes = { name: escapes.name, notes: await this.attachEscapes(listing, view, o, escapes.log) };
    return listing;
  }

  async peek(view: ViewRequest, o: { sampleType?: string; function: string }): Promise<PeekReport> {
    checkRegexp('the peek regexp', o.function);
    const report = await this.worker.run<PeekReport>({ op: 'peek', view: view.spec, sampleType: o.sampleType, symbol: o.function }, view.load, view.nameOf);
    if (report.nodes.length === 0) throw new GpwError('not_found', `no matches found for regexp: ${o.function}`);
    return report;
  }

  /**
   * pprof's -disasm with Go's own disassembler (`go tool nm` for the symbols, `go tool objdump`
   * for the instructions: the disassembler `go tool pprof` uses), on a binary whose build ID is
   * the profile's.
   */
  async disasm(view: ViewRequest, o: { sampleType?: string; function: string; binary?: string; host?: string }): Promise<DisasmReport> {
    checkRegexp('--function', o.function);
    const figures = await this.worker.run<AddressFigures>({ op: 'addresses', view: withoutGranularity(view), sampleType: o.sampleType }, view.load, view.nameOf);
    const { binary, buildId, fetchedFrom }: { binary: string; buildId: string | null; fetchedFrom?: string } = o.binary ? checkedBinary(o.binary, figures) : await this.binaryOrFetch(figures, o.host);
    const re = compileGoRegexp(o.function);
    const symbols = (await goTool(['nm', '-size', '-sort', 'address', binary]))
      .split('\n')
      .map((l) => /^\s*([0-9a-f]+)\s+(\d+)\s+([Tt])\s+(.+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ start: parseInt(m[1], 16), size: Number(m[2]), name: m[4] }))
      .filter((s) => s.size > 0 && re.test(s.name) && hasSamples(figures, s.start, s.start + s.size - 1))
      .sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.start - b.start));
    if (symbols.length === 0) throw new GpwError('not_found', `no matches found for regexp ${o.function}`);
    const quote = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
    const listing = await goTool(['objdump', '-s', symbols.map((s) => `^${quote(s.name)}$`).join('|'), binary]);
    const byAddress = parseObjdump(listing);
    const functions = symbols.map((s) => {
      // Every instruction of the symbol. (pprof decodes [start, start + size - 1) and so shows its
      // last instruction cut short, as "?" and stray bytes; the samples it counts are the same.)
      const insts = byAddress.filter((i) => i.address >= s.start && i.address < s.start + s.size);
      const instructions = annotateInstructions(insts, figures, s.start, s.start + s.size - 1);
      return { name: s.name, start: s.start, flat: instructions.reduce((a, i) => a + i.flat, 0), cum: instructions.reduce((a, i) => a + i.cum, 0), instructions };
    });
    return { sampleType: figures.sampleType, unit: figures.unit, total: figures.total, binary, buildId, ...(fetchedFrom ? { fetchedFrom } : {}), functions };
  }

  /**
   * binaryFor(), and when no binary here has the profile's build ID, for a profile captured
   * through an SSH host: the binary at the path its main mapping records, read from that host
   * over SFTP into a temporary folder of this process, and checked against the build ID.
   */
  private async binaryOrFetch(figures: AddressFigures, host: string | undefined): Promise<{ binary: string; buildId: string | null; fetchedFrom?: string }> {
    try {
      return this.binaryFor(figures);
    } catch (err) {
      const main = figures.mappings.find((m) => m.buildId && m.file.startsWith('/'));
      if (!host || !this.remote || !main || !(err instanceof GpwError)) throw err;
      const key = `ssh://${host}${main.file}`;
      let local = this.remoteBinaries.get(key);
      if (!local) {
        let bytes: Uint8Array;
        try {
          bytes = await this.remote(host, main.file, MAX_BINARY_BYTES);
        } catch (e) {
          throw new GpwError('not_found', `${err.message}; and the binary the profile names was not read from ${host}: ${e instanceof Error ? e.message : String(e)}`);
        }
        this.binaryDir ??= mkdtempSync(join(tmpdir(), 'gpw-binaries-'));
        local = join(this.binaryDir, `${this.remoteBinaries.size}-${basename(main.file)}`);
        writeFileSync(local, bytes, { mode: 0o600 });
        this.remoteBinaries.set(key, local);
      }
      try {
        return { ...checkedBinary(local, figures), fetchedFrom: key };
      } catch (e) {
        // Not the profiled binary (rebuilt since): refused with both IDs, and not kept.
        this.remoteBinaries.delete(key);
        rmSync(local, { force: true });
        throw e instanceof GpwError ? new GpwError(e.code, e.message.replace(local, `${key} (read over SSH)`)) : e;
      }
    }
  }

  /** Removes the binaries read from SSH hosts (the engine's close). */
  close(): void {
    if (this.binaryDir) rmSync(this.binaryDir, { recursive: true, force: true });
    this.binaryDir = null;
    this.remoteBinaries.clear();
  }

  /**
   * For the app (which names no paths): the binary at the path the profile records, else one of
   * the binaries gpw serve was given (--binary), whichever has the profile's build ID.
   */
  private binaryFor(figures: AddressFigures): { binary: string; buildId: string | null } {
    const candidates = [...figures.mappings.map((m) => m.file).filter((f) => f.startsWith('/')), ...(this.defaults.binaries ?? [])];
    const tried: string[] = [];
    for (const path of new Set(candidates)) {
      try {
        return checkedBinary(path, figures);
      } catch (err) {
        tried.push(err instanceof GpwError ? err.message : String(err));
      }
    }
    throw new GpwError('not_found', `no binary with the profile's build ID is at hand${tried.length ? `: ${tried.join('; ')}` : ''} (start gpw serve with --binary PATH, or use gpw disasm --binary)`);
  }

  /** The escape log joined to a profile's lines (every function, file names as recorded), or alone. */
  async escapes(escapes: NamedEscapes, view: ViewRequest | null, sampleType?: string): Promise<EscapeReport> {
    const key = escapes.id && view ? JSON.stringify([escapes.id, view.spec, sampleType ?? null]) : null;
    const kept = key ? this.joins.get(key) : undefined;
    if (key && kept) {
      this.joins.delete(key);
      this.joins.set(key, kept);
      return kept;
    }
    const report = await this.joinReport(escapes, view, sampleType);
    if (key) {
      this.joins.set(key, report);
      while (this.joins.size > CACHED_JOINS) this.joins.delete(this.joins.keys().next().value as string);
    }
    return report;
  }

  private async joinReport(escapes: NamedEscapes, view: ViewRequest | null, sampleType?: string): Promise<EscapeReport> {
    const list = view ? await this.allLines(view, sampleType) : null;
    const join = joinEscapes(escapes.log, list);
    return {
      name: escapes.name,
      format: escapes.log.format,
      goVersion: escapes.log.goVersion,
      ...(list ? { sampleType: list.sampleType, unit: list.unit, total: list.total } : {}),
      ...join,
    };
  }

  /** Reads an escape log's bytes (gpw's `escapes` artifacts, or a file for the CLI). */
  parseLog(name: string, bytes: Uint8Array): NamedEscapes {
    try {
      return { name, log: parseEscapes(new TextDecoder().decode(bytes)) };
    } catch (err) {
      if (err instanceof FormatError) throw new GpwError('bad_input', `${name}: ${err.message}`);
      throw err;
    }
  }

  private allLines(view: ViewRequest, sampleType?: string): Promise<ListReport> {
    return this.worker.run<ListReport>(
      { op: 'sourceList', view: withoutGranularity(view), sampleType, symbol: '.', searchPath: [], trimPath: '' },
      view.load,
      view.nameOf,
    );
  }

  private async attachEscapes(listing: SourceListing, view: ViewRequest, o: SourceOptions, log: EscapeLog): Promise<string[]> {
    const join = joinEscapes(log, await this.allLines(view, o.sampleType));
    const byLine = new Map<string, SourceEscapeNote[]>();
    const trim = (f: string): string => trimSourcePath(f, o.trimPath ?? this.defaults.trimPath ?? '', o.sourcePath?.length ? o.sourcePath : (this.defaults.sourcePath ?? []));
    for (const s of join.sites) {
      const key = `${trim(s.file)}:${s.line}`;
      const notes = byLine.get(key) ?? [];
      notes.push({ column: s.column, what: s.what, escapes: s.escapes, reasons: s.reasons });
      byLine.set(key, notes);
    }
    for (const f of listing.functions) {
      for (const l of f.lines) {
        const notes = byLine.get(`${f.file}:${l.line}`);
        if (notes) l.escapes = notes.sort((a, b) => a.column - b.column);
      }
    }
    return join.notes;
  }

  /**
   * annotate(), and for a file not found here, of a profile captured through an SSH host: the
   * file at the path the profile records, read from that host over SFTP (kept, as local files are).
   */
  private async annotateOrFetch(r: ListedRoutine, searchPath: string[], trimPath: string, host: string | undefined): Promise<SourceFunction> {
    const here = this.annotate(r, searchPath, trimPath);
    if (!here.missingSource || !host || !this.remote || !r.file.startsWith('/')) return here;
    const key = `ssh://${host}${r.file}`;
    let lines = this.remoteFiles.get(key);
    if (!lines) {
      try {
        lines = linesOf(new TextDecoder().decode(await this.remote(host, r.file, MAX_SOURCE_BYTES)));
      } catch (err) {
        return { ...here, error: `${here.error}; not read from ${host} either: ${err instanceof Error ? err.message : String(err)}` };
      }
      this.remoteFiles.set(key, lines);
      while (this.remoteFiles.size > CACHED_FILES) this.remoteFiles.delete(this.remoteFiles.keys().next().value as string);
    }
    const fetched = this.annotate(r, searchPath, trimPath, { path: key, lines, mtimeMs: 0 });
    return { ...fetched, fetched: `not found here (looked for ${here.lookedFor?.slice(0, 3).join(', ') ?? r.file}): read from ${host} over SSH, where the profile was captured` };
  }

  /** pprof's window of lines with their text, or the sampled lines alone when the file is not found. */
  private annotate(r: ListedRoutine, searchPath: string[], trimPath: string, given?: { path: string; lines: string[]; mtimeMs: number }): SourceFunction {
    const base = { name: r.name, file: r.file, flat: r.flat, cum: r.cum, notes: [] as string[] };
    if (r.file === '') return { ...base, missingSource: true, error: 'the profile records no file for this function', lines: [] };
    const candidates = sourceCandidates(trimSourcePath(r.file, trimPath, searchPath), searchPath, this.go());
    let found: { path: string; lines: string[]; mtimeMs: number } | null = given ?? null;
    for (const path of given ? [] : candidates) {
      const f = this.read(path);
      if (f) {
        found = { path, ...f };
        break;
      }
    }
    const figures = new Map(r.lines.map((l) => [l.line, l]));
    if (!found) {
      const lines: SourceLine[] = r.lines.map((l) => ({ line: l.line, flat: l.flat, cum: l.cum, text: null }));
      return { ...base, missingSource: true, error: notFoundMessage(trimSourcePath(r.file, trimPath, searchPath), searchPath), lookedFor: candidates, lines };
    }
    const lines: SourceLine[] = [];
    for (let n = r.from; n <= r.to && n < found.lines.length; n++) {
      const fig = figures.get(n);
      lines.push({ line: n, flat: fig?.flat ?? 0, cum: fig?.cum ?? 0, text: found.lines[n] });
    }
    const notes = base.notes;
    const beyond = r.lines.filter((l) => l.line >= found.lines.length);
    if (beyond.length > 0) notes.push(`the source looks newer than the profile: it has ${found.lines.length - 1} lines, the profile has samples at line ${beyond[0].line}`);
    else if (r.startLine > 0 && r.startLine < found.lines.length && !declaresFunction(found.lines[r.startLine], r.name)) {
      notes.push(`the source looks newer than the profile (its lines moved): the profile says ${r.name} starts at line ${r.startLine}, which reads "${found.lines[r.startLine].trim().slice(0, 120)}"`);
    }
    return { ...base, missingSource: false, foundAt: found.path, lines, notes };
  }

  /** A file's lines as pprof reads them (index 0 unused, no line ends), cached; null if it cannot be read. */
  private read(path: string): { lines: string[]; mtimeMs: number } | null {
    if (this.files.has(path)) {
      const hit = this.files.get(path)!;
      this.files.delete(path);
      this.files.set(path, hit);
      if (hit === null) return null;
      try {
        if (statSync(path).mtimeMs === hit.mtimeMs) return hit;
      } catch {
        return null;
      }
    }
    let entry: { lines: string[]; mtimeMs: number } | null = null;
    try {
      const st = statSync(path);
      if (st.isFile() && st.size <= MAX_SOURCE_BYTES) {
        entry = { lines: linesOf(readFileSync(path, 'utf8')), mtimeMs: st.mtimeMs };
      }
    } catch {
      entry = null;
    }
    this.files.set(path, entry);
    while (this.files.size > CACHED_FILES) this.files.delete(this.files.keys().next().value as string);
    return entry;
  }

  /** GOROOT and GOMODCACHE: from the environment, else asked of `go env` once. */
  private go(): GoDirs {
    if (this.goDirs) return this.goDirs;
    let goroot = process.env.GOROOT;
    let modcache = process.env.GOMODCACHE;
    if (!goroot || !modcache) {
      try {
        const [r, m] = execFileSync('go', ['env', 'GOROOT', 'GOMODCACHE'], { timeout: 5000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
        goroot ||= r.trim() || undefined;
        modcache ||= m.trim() || undefined;
      } catch {
        // No Go here: the paths the profile records and the search folders only.
      }
    }
    this.goDirs = { goroot, modcache };
    return this.goDirs;
  }
}

/** A file's lines as pprof reads them: index 0 unused, no line ends. */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return ['', ...lines.map((l) => l.replace(/\r$/, ''))];
}

/** The view's spec without its granularity: -list and -disasm choose their own (lines, addresses). */
function withoutGranularity(view: ViewRequest): ViewRequest['spec'] {
  const filters = { ...view.spec.filters };
  delete filters.granularity;
  return { ...view.spec, filters };
}

/** Runs `go tool ARGS` and answers its output; no Go is said plainly. */
function goTool(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('go', ['tool', ...args], { maxBuffer: 512 << 20, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') reject(new GpwError('unavailable', 'disassembly needs Go installed (go tool objdump): go was not found on PATH'));
        else reject(new GpwError('bad_input', `go tool ${args[0]} failed: ${String(stderr).trim() || err.message}`));
      } else resolve(String(stdout));
    });
  });
}

/** `go tool objdump` lines ("  main.go:36\t\t0x4e6a20\t\t31c9\t\t\tXORL CX, CX") as instructions. */
function parseObjdump(text: string): Instruction[] {
  const out: Instruction[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('  ')) continue;
    const fields = line.split('\t').map((f) => f.trim()).filter((f) => f !== '');
    if (fields.length < 4 || !/^0x[0-9a-f]+$/.test(fields[1])) continue;
    const loc = /^(.*):(\d+)$/.exec(fields[0]);
    out.push({ address: parseInt(fields[1], 16), text: fields.slice(3).join(' '), file: loc ? loc[1] : fields[0], line: loc ? Number(loc[2]) : 0 });
  }
  return out;
}

/** The binary's build ID, checked against the profile's mapping of the same name (else its main mapping). */
function checkedBinary(binary: string, figures: AddressFigures): { binary: string; buildId: string | null } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(binary);
  } catch (err) {
    throw new GpwError('not_found', `${binary}: ${(err as Error).message}`);
  }
  let buildId: string | null;
  try {
    buildId = elfBuildId(bytes);
  } catch (err) {
    if (err instanceof FormatError) throw new GpwError('bad_input', `${binary}: ${err.message} (gpw disassembles ELF binaries)`);
    throw err;
  }
  const name = basename(binary);
  const mapping = figures.mappings.find((m) => basename(m.file) === name && m.buildId) ?? figures.mappings.find((m) => m.buildId);
  if (mapping && mapping.buildId !== buildId) {
    throw new GpwError('invalid_argument', `${binary} has build ID ${buildId ?? '(none)'}, but the profile's ${mapping.file || 'main binary'} has build ID ${mapping.buildId}: not the binary that was profiled`);
  }
  return { binary, buildId };
}
