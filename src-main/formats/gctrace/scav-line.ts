// GODEBUG=scavtrace=1 lines. Go 1.19/1.20: `scav # KiB work, # KiB total, #% util`;
// Go 1.21+: `scav # KiB work (bg), # KiB work (eager), # KiB now, #% util`. Either may end in
// ` (forced)` (debug.FreeOSMemory) or ` [controller reset]`.

import type { ScavLine } from './gctrace-types.js';

const OLD = /^scav (\d+) KiB work, (\d+) KiB total, (\d+)% util( \(forced\))?/;
const NEW = /^scav (\d+) KiB work \(bg\), (\d+) KiB work \(eager\), (\d+) KiB now, (\d+)% util( \(forced\))?/;

/** A line that looks like scavtrace's (`scav N KiB`). */
export const SCAV_LINE_START = /^scav \d+ KiB/;

export function parseScavLine(text: string, line: number): { scav: ScavLine; format: 'go1.19' | 'go1.21' } | { problem: string } {
  let m = NEW.exec(text);
  if (m) {
    const scav = { line, backgroundKiB: Number(m[1]), eagerKiB: Number(m[2]), releasedKiB: Number(m[3]), utilPercent: Number(m[4]), forced: !!m[5] };
    return { scav, format: 'go1.21' };
  }
  m = OLD.exec(text);
  if (m) {
    const scav = { line, backgroundKiB: Number(m[1]), eagerKiB: null, releasedKiB: Number(m[2]), utilPercent: Number(m[3]), forced: !!m[4] };
    return { scav, format: 'go1.19' };
  }
  return { problem: 'a scavtrace line in an unknown format' };
}
