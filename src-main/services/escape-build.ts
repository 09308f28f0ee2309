// gpw runs the compiler's escape analysis itself: `go build -gcflags=PATTERN=-m=2` on a module
// folder, run with execFile (no shell) from validated arguments, under a time limit, its output
// (the compiler's diagnostics, on stderr) kept whole as an `escapes` artifact.
//
// Why -m=2 text and not -json=0,DIR: the -json files list only what escapes (no "does not
// escape", so a heap allocation the compiler kept off the heap cannot be explained), come one
// file per source file, and name no function; -m=2 prints every verdict with the compiler's flow
// and the function holding it, which escape-join.ts uses to check that the log and the profile
// are the same source.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { GpwError } from '../api/errors.js';

export interface EscapeBuildOptions {
  /** The packages to analyse and build (a `go build` pattern); default "./...". */
  package?: string;
  /** The go command; default "go" on PATH. */
  go?: string;
  /** Time limit of the build, in milliseconds; default 10 minutes. */
  timeoutMs?: number;
}

export interface EscapeBuild {
  /** The compiler's -m=2 output. */
  bytes: Uint8Array;
  /** A file name for the artifact ("escapes-m2-hotspots.txt"). */
  name: string;
  /** What was run, for the artifact's source ("go build -gcflags=./...=-m=2 ./... in /src/x"). */
  source: string;
  /** `go version`'s answer ("go1.26.0"), when it gave one. */
  goVersion: string | null;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const MAX_OUTPUT = 256 << 20;
/** A `go build` package pattern: "./...", "./cmd/x", "example.com/m/...", "std"; never a flag. */
const PATTERN = /^(\.{1,2}\/)?[A-Za-z0-9_~+][A-Za-z0-9._~+/-]*$|^\.(\/\.\.\.)?$|^\.\.\.$/;

export function checkPackagePattern(p: string): string {
  if (p.length > 512 || !PATTERN.test(p) || p.includes('//')) {
    throw new GpwError('invalid_argument', `--package ${JSON.stringify(p.slice(0, 80))} is not a Go package pattern (such as ./... or ./cmd/server)`);
  }
  return p;
}

/** The module folder: it exists, is a folder, and holds a go.mod. */
export function checkModuleDir(dir: string): string {
  const full = resolve(dir);
  let st;
  try {
    st = statSync(full);
  } catch {
    throw new GpwError('not_found', `${full}: no such folder`);
  }
  if (!st.isDirectory()) throw new GpwError('invalid_argument', `${full} is not a folder: gpw builds a Go module folder (one with a go.mod)`);
  try {
    statSync(join(full, 'go.mod'));
  } catch {
    throw new GpwError('invalid_argument', `${full} has no go.mod: gpw builds a Go module folder (go build needs one; run go mod init there, or name the module's root)`);
  }
  return full;
}

function checkGo(go: string | undefined): string {
  if (go === undefined) return 'go';
  if (!isAbsolute(go) && !go.includes('/')) {
    if (!/^[A-Za-z0-9._-]+$/.test(go)) throw new GpwError('invalid_argument', `--go ${JSON.stringify(go.slice(0, 80))} is not a command name or path`);
    return go;
  }
  const full = resolve(go);
  try {
    if (!statSync(full).isFile()) throw new Error('not a file');
  } catch {
    throw new GpwError('not_found', `--go ${full}: no such program`);
  }
  return full;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runGo(go: string, args: string[], cwd: string, timeoutMs: number): Promise<Ran> {
  return new Promise((resolveRun, reject) => {
    execFile(go, args, { cwd, maxBuffer: MAX_OUTPUT, timeout: timeoutMs, killSignal: 'SIGKILL', env: process.env }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new GpwError('unavailable', `gpw runs the escape analysis with Go, and ${go} was not found${go === 'go' ? ' on PATH (install Go, or name it with --go PATH)' : ''}`));
        return;
      }
      if (err && (err as NodeJS.ErrnoException).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
        reject(new GpwError('bad_input', `go build printed more than ${MAX_OUTPUT >> 20} MiB of diagnostics: name fewer packages with --package`));
        return;
      }
      const e = err as (Error & { code?: number | string; killed?: boolean; signal?: string }) | null;
      resolveRun({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout: String(stdout), stderr: String(stderr), timedOut: !!e?.killed && e.signal === 'SIGKILL' });
    });
  });
}

/** The lines of a failed build that say why: the compiler's errors (not its -m=2 notes), at most 20. */
function failureLines(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const notes = /: (.* escapes to heap|moved to heap: .*|.* does not escape|leaking param.*|can inline .*|cannot inline .*|inlining call to .*|.*flow: .*|from .* at .*|.* leaks to .*|parameter .*)$/;
  const errors = lines.filter((l) => !l.startsWith('#') && !notes.test(l) && !/^\s/.test(l));
  const shown = (errors.length > 0 ? errors : lines).slice(-20);
  return shown.join('\n');
}

/**
 * Runs `go build -gcflags=PATTERN=-m=2 -o TMP/ PATTERN` in `dir` (the binaries go to a
 * temporary folder, removed after) and answers the compiler's diagnostics.
 */
export async function buildEscapes(dir: string, o: EscapeBuildOptions = {}): Promise<EscapeBuild> {
  const cwd = checkModuleDir(dir);
  const pattern = checkPackagePattern(o.package ?? './...');
  const go = checkGo(o.go);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const version = await runGo(go, ['version'], cwd, 60_000);
  if (version.code !== 0) throw new GpwError('unavailable', `${go} version failed: ${(version.stderr || version.stdout).trim().slice(0, 2000)}`);
  const goVersion = /\b(go\d+\.\d+(\.\d+)?\S*)/.exec(version.stdout)?.[1] ?? null;
  const out = mkdtempSync(join(tmpdir(), 'gpw-escapes-'));
  try {
    const args = ['build', `-gcflags=${pattern}=-m=2`, '-buildvcs=false', '-o', out + '/', pattern];
    const ran = await runGo(go, args, cwd, timeoutMs);
    const what = `go ${args.slice(0, 2).join(' ')} ${pattern} in ${cwd}`;
    if (ran.timedOut) throw new GpwError('unavailable', `${what} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`);
    if (ran.code !== 0) throw new GpwError('bad_input', `${what} failed:\n${failureLines(ran.stderr + ran.stdout) || `exit status ${ran.code}`}`);
    if (!/^# /m.test(ran.stderr) || !/: .*(escapes to heap|does not escape|moved to heap)/.test(ran.stderr)) {
      throw new GpwError('not_found', `${what} printed no escape analysis: no package of ${pattern} has Go code that allocates or takes addresses${ran.stderr.trim() ? ` (it printed: ${ran.stderr.trim().slice(0, 300)})` : ''}`);
    }
    return { bytes: new TextEncoder().encode(ran.stderr), name: `escapes-m2-${basename(cwd)}.txt`, source: what, goVersion };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
