// Folded ("collapsed") stacks of any Profile: one `root;caller;leaf value` line per distinct
// stack, values summed, lines sorted by byte (code point) order as stackcollapse-*.pl sort
// them. For profiles read from perf script, the options reproduce stackcollapse-perf.pl's
// --pid / --tid root frames and its _[k] / _[j] / _[i] annotations.

import { isJitModule, isKernelModule } from '../formats/perf-script/perf-frames.js';
import type { Profile } from '../model/profile.js';
import { buildFrameTable } from './frames.js';

export interface CollapseOptions {
  /** Root frame "comm-pid" (stackcollapse-perf --pid); needs the comm/pid/tid labels of a perf capture. */
  pid?: boolean;
  /** Root frame "comm-pid/tid" (stackcollapse-perf --tid); wins over pid. */
  tid?: boolean;
  /** Append "_[k]" to kernel frames (--kernel). */
  kernel?: boolean;
  /** Append "_[j]" to JIT frames from /tmp/perf-PID.map (--jit). */
  jit?: boolean;
  /** Append "_[i]" to inlined frames (stackcollapse-perf always does). */
  inline?: boolean;
}

/** The options that make collapseProfile print what `stackcollapse-perf.pl [flags]` prints for the same perf script. */
export function stackcollapsePerfOptions(flags: { all?: boolean; kernel?: boolean; jit?: boolean; pid?: boolean; tid?: boolean }): CollapseOptions {
  return {
    pid: flags.pid,
    tid: flags.tid,
    kernel: flags.all === true || flags.kernel === true,
    jit: flags.all === true || flags.jit === true,
    inline: true,
  };
}

export class CollapseError extends Error {}

export function collapseProfile(profile: Profile, sampleTypeIndex: number, options: CollapseOptions = {}): string {
  const nTypes = profile.sampleTypes.length;
  if (!(sampleTypeIndex >= 0 && sampleTypeIndex < nTypes)) throw new CollapseError(`no sample type ${sampleTypeIndex}: the profile has ${nTypes}`);
  const frames = frameTexts(profile, options);
  const processRoot = options.tid ? 'tid' : options.pid ? 'pid' : null;
  const sums = new Map<string, number>();
  const parts: string[] = [];
  for (let s = 0; s < profile.sampleCount; s++) {
    const value = profile.values[s * nTypes + sampleTypeIndex];
    if (value === 0) continue;
    parts.length = 0;
    for (let i = profile.sampleLocStart[s + 1] - 1; i >= profile.sampleLocStart[s]; i--) {
      const loc = profile.sampleLocs[i];
      for (let f = frames.locFrameStart[loc + 1] - 1; f >= frames.locFrameStart[loc]; f--) parts.push(frames.text[f]);
    }
    if (processRoot) parts[0] = processName(profile, s, processRoot);
    // A sample without a stack still counts: folded lines need a frame, and pprof's name for a
    // location it knows nothing about is <unknown>.
    const key = parts.length ? parts.join(';') : '<unknown>';
    sums.set(key, (sums.get(key) ?? 0) + value);
  }
  const keys = [...sums.keys()].sort(compareCodePoints);
  let out = '';
  for (const k of keys) out += `${k} ${sums.get(k)}\n`;
  return out;
}

/** The text of each frame (innermost first per location), annotated as asked. */
function frameTexts(profile: Profile, options: CollapseOptions): { locFrameStart: Uint32Array; text: string[] } {
  const table = buildFrameTable(profile, { showAddresses: true });
  const names = table.names.map(folded);
  const nLoc = profile.locAddress.length;
  const text: string[] = new Array(table.frameName.length);
  for (let l = 0; l < nLoc; l++) {
    const m = profile.locMapping[l];
    const module = m >= 0 ? profile.mappings[m].file : '';
    const kernel = options.kernel === true && m >= 0 && isKernelModule(module);
    const jit = options.jit === true && m >= 0 && isJitModule(module);
    for (let f = table.locFrameStart[l]; f < table.locFrameStart[l + 1]; f++) {
      const name = names[table.frameName[f]];
      if (options.inline && table.frameInline[f]) text[f] = name.includes('_[i]') ? name : `${name}_[i]`;
      else if (kernel) text[f] = `${name}_[k]`;
      else if (jit) text[f] = name.includes('_[j]') ? name : `${name}_[j]`;
      else text[f] = name;
    }
  }
  return { locFrameStart: table.locFrameStart, text };
}

/** A frame name that cannot break the format: no ";" (as stackcollapse tidies them) and no line breaks. */
function folded(name: string): string {
  return /[;\r\n]/.test(name) ? name.replace(/;/g, ':').replace(/[\r\n]/g, ' ') : name;
}

/**
 * stackcollapse-perf's "comm-pid" / "comm-pid/tid" from the sample's labels. Like that tool,
 * which sees "pid/tid" or a lone tid: a lone tid, or a tid of 0, prints as "?/tid".
 */
function processName(profile: Profile, s: number, mode: 'pid' | 'tid'): string {
  let comm: string | null = null;
  let pid: number | null = null;
  let tid: number | null = null;
  for (let i = profile.sampleLabelStart[s]; i < profile.sampleLabelStart[s + 1]; i++) {
    const key = profile.strings[profile.labelKey[i]];
    if (key === 'comm') comm = profile.strings[profile.labelStr[i]];
    else if (key === 'pid' && profile.labelStr[i] === 0) pid = profile.labelNum[i];
    else if (key === 'tid' && profile.labelStr[i] === 0) tid = profile.labelNum[i];
  }
  if (comm === null || tid === null) {
    throw new CollapseError(`--${mode} needs a perf capture: its samples carry the process (comm) and thread (tid) labels, this profile's do not`);
  }
  let shownPid = pid === null ? '?' : String(pid);
  let shownTid = String(tid);
  if (pid !== null && tid === 0) {
    shownPid = '?';
    shownTid = String(pid);
  }
  const name = mode === 'tid' ? `${comm}-${shownPid}/${shownTid}` : `${comm}-${shownPid}`;
  return name.replaceAll(' ', '_');
}

/** Order of UTF-8 bytes (= code points), which is how Perl's sort orders the lines. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** UTF-16 units ranked by the code points they belong to: surrogates (U+10000 and up) after U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
