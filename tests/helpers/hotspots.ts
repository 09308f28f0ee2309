// tests/go/hotspots' outputs per Go toolchain (profiles, binary, escape analysis), made once and
// cached by tests/go/hotspots-gen.mjs, and pprof's -list parsed for per-line comparisons.
import { join } from 'node:path';
import { run } from './run';
// @ts-expect-error: a plain .mjs helper without types
import { ensureHotspots, ESCAPE_TOOLCHAINS, HOTSPOTS_SOURCE } from '../go/hotspots-gen.mjs';

export const hotspotsToolchains = ESCAPE_TOOLCHAINS as string[];
/** tests/go/hotspots: the source the profiles name as gpw/tests/hotspots/main.go. */
export const hotspotsSource = HOTSPOTS_SOURCE as string;

/** The folder of one toolchain's outputs (cpu.pb.gz for the local Go only). */
export async function hotspots(toolchain = 'local'): Promise<(file: string) => string> {
  const dir = (await ensureHotspots(toolchain)) as string;
  return (file) => join(dir, file);
}

export interface PprofRoutine {
  name: string;
  file: string;
  flat: number;
  cum: number;
  error?: string;
  lines: { line: number; flat: number; cum: number; text: string }[];
}

/** `go tool pprof -list` with values in the base unit (-unit=ns / B; counts as they are), parsed. */
export async function pprofList(file: string, re: string, flags: string[], unit: string, cwd?: string): Promise<{ total: number; routines: PprofRoutine[]; text: string }> {
  const u = unit === 'nanoseconds' ? ['-unit=ns'] : unit === 'bytes' ? ['-unit=B'] : [];
  const r = await run('sh', ['-c', 'cd "$1" && shift && exec go tool pprof "$@"', 'sh', cwd ?? process.cwd(), '-list', re, ...u, ...flags, file]);
  if (r.code !== 0) throw new Error(`go tool pprof -list failed: ${r.stderr}`);
  // Values in other units (when only the text is compared) read as NaN.
  const num = (s: string): number => (s === '.' ? 0 : Number(/^(-?[\d.]+)(ns|B)?$/.exec(s)?.[1] ?? NaN));
  const routines: PprofRoutine[] = [];
  let total = 0;
  let cur: PprofRoutine | null = null;
  for (const line of r.stdout.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^Total: (\S+)$/.exec(line))) total = num(m[1]);
    else if ((m = /^ROUTINE =+ (.+) in (.+)$/.exec(line))) routines.push((cur = { name: m[1], file: m[2], flat: 0, cum: 0, lines: [] }));
    else if (cur && (m = /^\s*(\S+)\s+(\S+) \(flat, cum\)/.exec(line))) {
      cur.flat = num(m[1]);
      cur.cum = num(m[2]);
    } else if (cur && (m = /^ Error: (.*)$/.exec(line))) cur.error = m[1];
    else if (cur && (m = /^\s*(\S+)\s+(\S+)\s+(\d+):(.*)$/.exec(line))) cur.lines.push({ flat: num(m[1]), cum: num(m[2]), line: Number(m[3]), text: m[4] });
  }
  return { total, routines, text: r.stdout };
}
