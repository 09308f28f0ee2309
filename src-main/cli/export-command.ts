// gpw export ID|FILE --format pprof|collapsed|svg|png --out FILE: a view (with gpw top's
// filters, granularity, diff base and merge) written as a pprof file, folded stacks, or the
// flame graph as SVG or PNG, the same bytes the app's Export button saves.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GpwError } from '../api/errors.js';
import type { Engine } from '../engine.js';
import { EXPORT_FORMATS, type ExportFormat } from '../api/types.js';
import { flag, integerFlag, switchFlags, valueFlags, type FlagSpec, type ParsedArgs } from './args.js';
import { VIEW_FLAGS, viewFlagOptions } from './top-command.js';

export const EXPORT_USAGE = `  gpw export ID|FILE --format pprof|collapsed|svg|png --out FILE [--inverted] [--width PX]
          [the view options of gpw top: --sample-index, --focus … --merge, --diff-base] [--json]`;

export const EXPORT_FLAGS: Record<string, FlagSpec> = { ...VIEW_FLAGS, ...valueFlags('format', 'out', 'width'), ...switchFlags('inverted') };

export async function exportCommand(engine: Engine, args: ParsedArgs, json: boolean): Promise<string> {
  const target = args.positional[0];
  if (!target || args.positional.length > 1) throw new GpwError('invalid_argument', 'gpw export needs exactly one ID or FILE (more profiles: --merge)');
  const format = flag(args, 'format');
  if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new GpwError('invalid_argument', `gpw export needs --format ${EXPORT_FORMATS.join('|')}${format ? `, not "${format}"` : ''}`);
  }
  const out = flag(args, 'out');
  if (!out) throw new GpwError('invalid_argument', 'gpw export needs --out FILE');
  const width = args.flags.has('width') ? integerFlag(args, 'width', 1200) : undefined;
  if (width !== undefined && (width < 200 || width > 20000)) throw new GpwError('invalid_argument', '--width must be between 200 and 20000');
  const file = await engine.exportTargets(target, {
    ...viewFlagOptions(args),
    format: format as ExportFormat,
    inverted: args.flags.has('inverted'),
    width,
  });
  const path = resolve(out);
  try {
    writeFileSync(path, file.bytes);
  } catch (err) {
    throw new GpwError('unavailable', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return json ? JSON.stringify({ file: path, format, bytes: file.bytes.length, mediaType: file.mediaType }) : `wrote ${path} (${format}, ${file.bytes.length} bytes)`;
}
