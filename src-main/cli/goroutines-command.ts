// gpw goroutines ID|FILE: a goroutine dump's groups (identical stack, state and wait bucket) with
// filters, and with --diff BASE the leak view against an earlier dump (BASE before, ID|FILE after).

import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import type { Engine } from '../engine.js';
import { readInputFile } from '../import/input-file.js';
import type { GoroutineFilter, DumpGroup } from '../analysis/goroutines/goroutine-groups.js';
import type { DumpRef } from '../services/goroutine-service.js';
import type { GoroutineDump } from '../formats/goroutine-dump/dump-types.js';
import { groupGoroutines } from '../analysis/goroutines/goroutine-groups.js';
import { flag, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const GOROUTINES_USAGE = `  gpw goroutines ID|FILE [--diff BASE-ID|FILE] [--all] [--state S] [--min-wait 5m] [--func F] [--json]
          (a ?debug=2 or ?debug=1 goroutine dump; --diff: what grew since BASE, the leak view)`;

export const GOROUTINES_FLAGS: Record<string, FlagSpec> = { ...valueFlags('diff', 'state', 'min-wait', 'func'), ...switchFlags('all') };

/** "5m", "90s" (rounded up to whole minutes, as the runtime counts), "2h", "5" (minutes). */
export function parseMinWait(text: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new GpwError('invalid_argument', `--min-wait ${text}: write it as 5m, 90s or 2h`);
  const n = Number(m[1]);
  return m[2] === 's' ? Math.ceil(n / 60) : m[2] === 'h' ? n * 60 : n;
}

export async function goroutinesCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  if (args.positional.length !== 1) throw new GpwError('invalid_argument', `gpw goroutines needs one ID or FILE\n${GOROUTINES_USAGE}`);
  const filter: GoroutineFilter = {};
  const state = flag(args, 'state');
  if (state) filter.state = state;
  const minWait = flag(args, 'min-wait');
  if (minWait !== undefined) filter.minWaitMinutes = parseMinWait(minWait);
  const func = flag(args, 'func');
  if (func) filter.func = func;
  const after = load(engine, args.positional[0]);
  const grouped = groupGoroutines(after.dump, filter);
  const baseArg = flag(args, 'diff');
  if (args.flags.has('all') && baseArg === undefined) throw new GpwError('invalid_argument', '--all goes with --diff');
  const diff = baseArg !== undefined ? engine.goroutines.diffOf(load(engine, baseArg), after, filter, args.flags.has('all')) : null;
  if (json) {
    return JSON.stringify({
      total: grouped.total,
      shown: grouped.shown,
      format: grouped.format,
      profile: grouped.profile,
      groups: grouped.groups.map(jsonGroup),
      ...(diff ? { diff: diff.rows.map((r) => ({ state: r.state, stack: r.stack, createdBy: r.createdBy, before: r.before, after: r.after, growth: r.growth, isNew: r.isNew, maxWaitBefore: r.maxWaitBefore, maxWaitAfter: r.maxWaitAfter })), before: diff.before, after: diff.after } : {}),
      warnings: grouped.warnings,
      cutAt: grouped.cutAt,
    });
  }
  const lines: string[] = [];
  for (const w of grouped.warnings) lines.push(`warning: ${w}`);
  if (diff) {
    lines.push(`${diff.before.name} → ${diff.after.name}: ${diff.beforeTotal} → ${diff.afterTotal} goroutines`);
    if (diff.rows.length === 0) lines.push('no group changed');
    for (const r of diff.rows) {
      lines.push(`${String(r.before).padStart(7)} → ${String(r.after).padEnd(7)} ${r.growth >= 0 ? '+' : ''}${r.growth}${r.isNew ? ' (new)' : ''}  [${r.state || 'stack'}]${r.maxWaitAfter ? ` waited up to ${r.maxWaitAfter} min` : ''}`);
      for (const f of r.stack.slice(0, 8)) lines.push(`      ${f}`);
      if (r.createdBy) lines.push(`      created by ${r.createdBy}`);
    }
    return lines.join('\n');
  }
  lines.push(`${grouped.total} goroutines (${grouped.format}${grouped.profile !== 'goroutine' ? `, ${grouped.profile}` : ''}), ${grouped.groups.length} groups${grouped.shown !== grouped.total ? `, ${grouped.shown} match` : ''}`);
  for (const g of grouped.groups) {
    lines.push(`${String(g.count).padStart(7)}  [${g.state || 'stack'}${waitText(g)}]${g.leaked ? ` ${g.leaked} leaked` : ''}${g.ids.length ? `  ids ${idText(g.ids)}` : ''}`);
    g.stack.forEach((f, i) => lines.push(`      ${f}  ${g.locations[i]}`));
    if (g.elided) lines.push('      ...frames elided...');
    if (g.createdBy) lines.push(`      created by ${g.createdBy}  ${g.createdByLocation}`);
  }
  return lines.join('\n');
}

function jsonGroup(g: DumpGroup): Record<string, unknown> {
  return { state: g.state, waitMinutes: g.waitMinutes, count: g.count, stack: g.stack, locations: g.locations, createdBy: g.createdBy, ids: g.ids, leaked: g.leaked, lockedToThread: g.lockedToThread };
}

const waitText = (g: DumpGroup): string => (g.waitMinutes[0] === 0 && g.maxWaitMinutes === 0 ? '' : `, ${g.waitMinutes[0]}–${g.waitMinutes[1] ?? '∞'} minutes`);
const idText = (ids: number[]): string => (ids.length > 8 ? `${ids.slice(0, 8).join(' ')} … (${ids.length})` : ids.join(' '));

function load(engine: Engine, target: string): { dump: GoroutineDump; ref: DumpRef } {
  if (!existsSync(target)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(target)) throw new GpwError('not_found', `${target}: no such file`);
    return engine.goroutines.load(target);
  }
  const full = resolve(target);
  const dump = engine.goroutines.parse(basename(full), readInputFile(full));
  return { dump, ref: { id: null, name: basename(full), run: null, capturedAt: null, total: dump.total } };
}
