// gpw source / peek / escapes: pprof's -list and -peek on a view of profiles, and the
// compiler's escape analysis joined to a profile's allocation sites.

import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import type { EscapeReport } from '../api/source-types.js';
import { formatDisasmText, formatListText, formatPeekText } from '../analysis/source/source-text.js';
import { formatValue } from '../analysis/units.js';
import type { Engine } from '../engine.js';
import { ARTIFACT_FLAGS, flag, labelFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';
import { VIEW_FLAGS, viewFlagOptions } from './top-command.js';

export const SOURCE_USAGE = `  gpw source ID|FILE --function RE [--source-path DIR]... [--trim-path P] [--escapes ID|FILE]
          [--sample-index NAME] [the view flags of gpw top] [--json]
  gpw disasm ID|FILE --function RE --binary PATH [--sample-index NAME] [the view flags of gpw top] [--json]
  gpw peek ID|FILE RE [--sample-index NAME] [the view flags of gpw top] [--json]
  gpw escapes ESCAPES_ID|FILE [--profile ID|FILE] [--sample-index alloc_space] [--json]
  gpw escapes --build DIR [--package PATTERN] [--go PATH] [--run NAME] [--label K=V]... [--json]
          (runs go build -gcflags=PATTERN=-m=2 in the module folder DIR, default PATTERN ./...,
          and keeps the compiler's output as an escapes artifact)`;

export const SOURCE_FLAGS: Record<string, FlagSpec> = {
  ...VIEW_FLAGS,
  ...valueFlags('function', 'trim-path', 'escapes'),
  'source-path': { value: true, repeat: true },
};
export const PEEK_FLAGS: Record<string, FlagSpec> = VIEW_FLAGS;
export const DISASM_FLAGS: Record<string, FlagSpec> = { ...VIEW_FLAGS, ...valueFlags('function', 'binary') };
export const ESCAPES_FLAGS: Record<string, FlagSpec> = { ...valueFlags('profile', 'sample-index', 'build', 'package', 'go'), ...ARTIFACT_FLAGS };

function oneTarget(args: ParsedArgs, command: string, extra = 0): string {
  if (args.positional.length !== 1 + extra || !args.positional[0]) {
    throw new GpwError('invalid_argument', `gpw ${command} needs ${extra ? 'an ID or FILE and a regexp' : 'exactly one ID or FILE'}`);
  }
  return args.positional[0];
}

/** An escape analysis named by file (read here) or library id. */
function escapesOf(engine: Engine, target: string) {
  if (existsSync(target)) return engine.source.parseLog(basename(target), readFileSync(resolve(target)));
  return engine.source.escapesArtifact(target);
}

export async function sourceCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const target = oneTarget(args, 'source');
  const fn = flag(args, 'function');
  if (!fn) throw new GpwError('invalid_argument', 'gpw source needs --function RE (a regexp on function names)');
  const view = viewFlagOptions(args);
  const esc = flag(args, 'escapes');
  const listing = await engine.source.list(
    engine.cliView(target, view),
    { sampleType: view.sampleType, function: fn, sourcePath: args.flags.get('source-path'), trimPath: flag(args, 'trim-path') },
    esc ? escapesOf(engine, esc) : undefined,
  );
  for (const w of listing.warnings) process.stderr.write(`${w}\n`);
  return json ? JSON.stringify(listing) + '\n' : formatListText(listing);
}

export async function disasmCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const target = oneTarget(args, 'disasm');
  const fn = flag(args, 'function');
  const binary = flag(args, 'binary');
  if (!fn || !binary) throw new GpwError('invalid_argument', 'gpw disasm needs --function RE and --binary PATH (the profiled program)');
  const view = viewFlagOptions(args);
  const report = await engine.source.disasm(engine.cliView(target, view), { sampleType: view.sampleType, function: fn, binary: resolve(binary) });
  return json ? JSON.stringify(report) + '\n' : formatDisasmText(report);
}

export async function peekCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const target = oneTarget(args, 'peek', 1);
  const view = viewFlagOptions(args);
  const report = await engine.source.peek(engine.cliView(target, view), { sampleType: view.sampleType, function: args.positional[1] });
  for (const w of report.warnings) process.stderr.write(`${w}\n`);
  return json ? JSON.stringify(report) + '\n' : formatPeekText(report);
}

export async function escapesCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const build = flag(args, 'build');
  if (build !== undefined) return escapesBuildCommand(engine, build, args, json);
  for (const f of ['package', 'go', 'run', 'label']) if (args.flags.has(f)) throw new GpwError('invalid_argument', `--${f} goes with --build DIR`);
  const log = escapesOf(engine, oneTarget(args, 'escapes'));
  const profile = flag(args, 'profile');
  const report = await engine.source.escapes(log, profile ? engine.cliView(profile) : null, flag(args, 'sample-index'));
  for (const n of report.notes) process.stderr.write(`${n}\n`);
  return json ? JSON.stringify(report) + '\n' : escapesText(report);
}

async function escapesBuildCommand(engine: Engine, dir: string, args: ParsedArgs, json: boolean): Promise<string> {
  if (args.positional.length > 0) throw new GpwError('invalid_argument', 'gpw escapes --build DIR takes no other ID or FILE');
  for (const f of ['profile', 'sample-index']) if (args.flags.has(f)) throw new GpwError('invalid_argument', `--${f} does not go with --build: build first, then gpw escapes ID --profile …`);
  const result = await engine.buildEscapesIn(dir, { package: flag(args, 'package'), go: flag(args, 'go'), run: flag(args, 'run'), labels: labelFlags(args) });
  if (json) return JSON.stringify(result) + '\n';
  const a = result.artifacts[0];
  return `${a.id}  ${a.kind}  ${a.file}${a.run ? `  run ${a.run}` : ''}\n  ${(a.summary as { headline?: string }).headline ?? ""}\n  from: ${a.source}\n`;
}

function escapesText(r: EscapeReport): string {
  const out: string[] = [];
  const v = (x: number): string => (r.unit ? formatValue(x, r.unit) : String(x));
  if (r.sampleType) {
    out.push(`Hot allocations and why (${r.sampleType}):`);
    for (const h of r.hot) out.push(`${v(h.flat).padStart(10)}  ${h.file}:${h.line}  ${h.function}\n            ${h.why}`);
    out.push('');
  }
  out.push(`Sites (${r.name}):`);
  for (const s of r.sites) {
    const fig = r.sampleType ? `${v(s.flat).padStart(10)}  ` : '';
    out.push(`${fig}${s.file}:${s.line}:${s.column}  ${s.what}${s.function ? `  (${s.function})` : ''}`);
    for (const reason of s.reasons) out.push(`${' '.repeat(fig.length + 4)}${reason}`);
  }
  return out.join('\n') + '\n';
}
