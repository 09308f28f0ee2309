// Runs the built gpw CLI and Go's pprof, for tests that compare the two on the same file.
import { execFile } from 'node:child_process';
import { repoPath } from './paths';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** gpw with a given library file. */
export function gpw(library: string, ...args: string[]): Promise<RunResult> {
  return run(process.execPath, [repoPath('bin/gpw.js'), ...args], { GPW_LIBRARY: library });
}

export async function gpwJson<T>(library: string, ...args: string[]): Promise<T> {
  const r = await gpw(library, ...args, '--json');
  if (r.code !== 0) throw new Error(`gpw ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface PprofRow {
  flat: number;
  cum: number;
  name: string;
  inline: string;
}

export interface PprofTop {
  total: number;
  rows: PprofRow[];
}

const BASE_UNIT: Record<string, string> = { nanoseconds: 'ns', bytes: 'B', count: '' };

/**
 * `go tool pprof -top` with values printed in the base unit, parsed.
 * -unit=ns / -unit=B make pprof print exact integers ("123456789ns", "5120B").
 */
/** The "Showing nodes accounting for …" line of `go tool pprof -top` in pprof's own units. */
export async function pprofHeader(files: string[], sampleIndex: string, nodecount: number): Promise<string> {
  const r = await run('go', ['tool', 'pprof', '-top', `-nodecount=${nodecount}`, `-sample_index=${sampleIndex}`, ...files]);
  if (r.code !== 0) throw new Error(`go tool pprof failed: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('Showing nodes accounting for'));
  if (!line) throw new Error(`no "Showing nodes" line in pprof output:\n${r.stdout}`);
  return line;
}

export async function pprofTop(file: string | string[], sampleIndex: string, unit: string, nodecount: number, extra: string[] = []): Promise<PprofTop> {
  const args = ['tool', 'pprof', '-top', `-nodecount=${nodecount}`, `-sample_index=${sampleIndex}`, ...extra];
  const u = BASE_UNIT[unit];
  if (u) args.push(`-unit=${u}`);
  // Several files: pprof merges them (flags must come before the first file).
  args.push(...(Array.isArray(file) ? file : [file]));
  const r = await run('go', args);
  if (r.code !== 0) throw new Error(`go tool pprof failed: ${r.stderr}`);
  const num = (s: string): number => {
    const m = /^(-?[\d.]+)(ns|B)?$/.exec(s);
    if (!m) throw new Error(`unparsed pprof value ${s}`);
    return Number(m[1]);
  };
  const totalLine = /of (\S+) total/.exec(r.stdout);
  if (!totalLine) throw new Error(`no total in pprof output:\n${r.stdout}`);
  const rows: PprofRow[] = [];
  let inTable = false;
  for (const line of r.stdout.split('\n')) {
    if (/^\s+flat\s+flat%/.test(line)) {
      inTable = true;
      continue;
    }
    if (!inTable || !line.trim()) continue;
    const m = /^\s*(\S+)\s+\S+%\s+\S+%\s+(\S+)\s+\S+%\s+(.*?)(?: \((inline|partial-inline)\))?$/.exec(line);
    if (!m) throw new Error(`unparsed pprof row: ${line}`);
    rows.push({ flat: num(m[1]), cum: num(m[2]), name: m[3], inline: m[4] ?? '' });
  }
  return { total: num(totalLine[1]), rows };
}
