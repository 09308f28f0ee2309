// gpw top ID|FILE: pprof's -top with its filters, granularity, diff base and merge.

import { GpwError } from '../api/errors.js';
import { formatTopText } from '../analysis/top-format.js';
import { DEFAULT_TOP_OPTIONS } from '../analysis/top.js';
import type { Engine } from '../engine.js';
import type { TopTable } from '../api/types.js';
import { flag, integerFlag, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const TOP_USAGE = `  gpw top ID|FILE [--sample-index NAME|N] [--nodecount N] [--cum]
          [--focus RE] [--ignore RE] [--hide RE] [--show RE] [--show-from RE]
          [--tagfocus EXPR] [--tagignore EXPR] [--granularity functions|lines|files]
          [--diff-base ID|FILE [--normalize]] [--merge ID|FILE]... [--collapse-recursion] [--json]`;

/** The flags that shape a view (shared by gpw top and gpw export). */
export const VIEW_FLAGS: Record<string, FlagSpec> = {
  ...valueFlags('sample-index', 'focus', 'ignore', 'hide', 'show', 'show-from', 'tagfocus', 'tagignore', 'granularity', 'diff-base'),
  ...switchFlags('normalize', 'collapse-recursion'),
  merge: { value: true, repeat: true },
};

export const TOP_FLAGS: Record<string, FlagSpec> = { ...VIEW_FLAGS, ...valueFlags('nodecount'), ...switchFlags('cum') };

const GRANULARITIES = ['functions', 'lines', 'files'] as const;

/** The view options given by VIEW_FLAGS, checked. */
export function viewFlagOptions(args: ParsedArgs) {
  const granularity = flag(args, 'granularity');
  if (granularity !== undefined && !(GRANULARITIES as readonly string[]).includes(granularity)) {
    throw new GpwError('invalid_argument', `--granularity must be one of ${GRANULARITIES.join(', ')}, not "${granularity}"`);
  }
  if (args.flags.has('normalize') && !args.flags.has('diff-base')) throw new GpwError('invalid_argument', '--normalize needs --diff-base');
  return {
    sampleType: flag(args, 'sample-index'),
    focus: flag(args, 'focus'),
    ignore: flag(args, 'ignore'),
    hide: flag(args, 'hide'),
    show: flag(args, 'show'),
    showFrom: flag(args, 'show-from'),
    tagfocus: flag(args, 'tagfocus'),
    tagignore: flag(args, 'tagignore'),
    granularity: granularity as (typeof GRANULARITIES)[number] | undefined,
    diffBase: flag(args, 'diff-base'),
    normalize: args.flags.has('normalize'),
    collapseRecursion: args.flags.has('collapse-recursion'),
    merge: args.flags.get('merge'),
  };
}

/** gpw top's target and view, checked. */
export function topArguments(args: ParsedArgs) {
  const target = args.positional[0];
  if (!target || args.positional.length > 1) throw new GpwError('invalid_argument', 'gpw top needs exactly one ID or FILE (more profiles: --merge)');
  return {
    target,
    options: {
      ...viewFlagOptions(args),
      nodecount: integerFlag(args, 'nodecount', DEFAULT_TOP_OPTIONS.nodecount),
      sort: args.flags.has('cum') ? ('cum' as const) : ('flat' as const),
    },
  };
}

/** What gpw top prints of a table; as pprof, warnings about filters that matched nothing go to stderr. */
export function topOutput(table: TopTable, json: boolean): string {
  for (const w of table.warnings ?? []) process.stderr.write(`${w}\n`);
  return json ? JSON.stringify(table) + '\n' : formatTopText(table);
}

export async function topCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const { target, options } = topArguments(args);
  return topOutput(await engine.topOfFile(target, options), json);
}
