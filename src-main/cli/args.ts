// Command-line parsing for gpw: positional words plus --flags (repeatable ones collected).

import { GpwError } from '../api/errors.js';

export interface FlagSpec {
  /** Takes a value (--run NAME) rather than being a switch (--json). */
  value: boolean;
  repeat?: boolean;
}

/** Flags that take one value each (--name VALUE). */
export function valueFlags(...names: string[]): Record<string, FlagSpec> {
  return Object.fromEntries(names.map((n) => [n, { value: true }]));
}

/** Switches (--name, no value). */
export function switchFlags(...names: string[]): Record<string, FlagSpec> {
  return Object.fromEntries(names.map((n) => [n, { value: false }]));
}

/** The flags of every command: --library PATH, --json, --help. */
export const COMMON_FLAGS: Record<string, FlagSpec> = { ...valueFlags('library'), ...switchFlags('json', 'help') };

/** Where new artifacts go (gpw import, merge --save, capture, ssh): --run NAME and --label k=v (repeatable, see labelFlags). */
export const ARTIFACT_FLAGS: Record<string, FlagSpec> = { run: { value: true }, label: { value: true, repeat: true } };

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const given = arg.slice(2, eq >= 0 ? eq : undefined);
    // pprof's spelling (-sample_index, -show_from) names the same option.
    const name = spec[given] ? given : given.replaceAll('_', '-');
    const s = spec[name];
    if (!s) throw new GpwError('invalid_argument', `unknown option --${given}`);
    let value = 'true';
    if (s.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new GpwError('invalid_argument', `--${name} needs a value`);
    } else if (eq >= 0) {
      throw new GpwError('invalid_argument', `--${name} takes no value`);
    }
    const list = flags.get(name) ?? [];
    if (list.length > 0 && !s.repeat) throw new GpwError('invalid_argument', `--${name} given twice`);
    list.push(value);
    flags.set(name, list);
  }
  return { positional, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

export function integerFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = flag(args, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new GpwError('invalid_argument', `--${name} must be a whole number, not "${v}"`);
  return Number(v);
}

/** --label k=v, repeatable. */
export function labelFlags(args: ParsedArgs): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const kv of args.flags.get('label') ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new GpwError('invalid_argument', `--label must be key=value, not "${kv}"`);
    const key = kv.slice(0, eq);
    if (!/^[A-Za-z0-9_.:/-]+$/.test(key)) throw new GpwError('invalid_argument', `label key "${key}" may hold only letters, digits and _ . : / -`);
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new GpwError('invalid_argument', `label key "${key}" is reserved`);
    labels[key] = kv.slice(eq + 1);
  }
  return labels;
}
