// gpw merge ID|FILE... (--out FILE | --save): several profiles of one kind as one pprof file,
// written to disk or saved in the library as an artifact that records its sources.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import type { Engine } from '../engine.js';
import { ARTIFACT_FLAGS, flag, labelFlags, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';

export const MERGE_USAGE = '  gpw merge ID|FILE... (--out FILE | --save [--label k=v]... [--run NAME]) [--json]';

export const MERGE_FLAGS: Record<string, FlagSpec> = { ...valueFlags('out'), ...switchFlags('save'), ...ARTIFACT_FLAGS };

export async function mergeCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const targets = args.positional;
  if (targets.length === 0) throw new GpwError('invalid_argument', 'gpw merge needs at least one ID or FILE');
  const out = flag(args, 'out');
  const save = args.flags.has('save');
  if (!out === !save) throw new GpwError('invalid_argument', 'gpw merge needs either --out FILE or --save');
  if (out) {
    const bytes = await engine.mergeTargets(targets);
    const path = resolve(out);
    writeFileSync(path, bytes);
    return json ? JSON.stringify({ file: path, bytes: bytes.length, sources: targets }) : `wrote ${path} (${targets.length} profiles merged, ${bytes.length} bytes)`;
  }
  const artifact = await engine.saveMergedTargets(targets, { labels: labelFlags(args), run: flag(args, 'run') });
  return json ? JSON.stringify({ artifact }) : `saved ${artifact.id} (${targets.length} profiles merged)`;
}
