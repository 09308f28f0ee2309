// Is this text the output of `perf script` with call stacks? Sample headers
// (`comm pid [cpu] time: event:`) each followed by frame lines (`addr symbol (module)`).

import { headLines } from '../text-lines.js';
import { flatRecordFrameStart, parseRecordHeader, parseStackLine } from './perf-lines.js';

const MAX_LINES = 400;
const HEX = /^[0-9a-fA-F]+$/;

/** `text` is the decoded head of a file; its last line may be cut. */
export function looksLikePerfScript(text: string): boolean {
  let headers = 0;
  let frames = 0;
  let other = 0;
  for (const line of headLines(text, MAX_LINES)) {
    if (line.length === 0 || line.startsWith('#')) continue;
    if (parseRecordHeader(line)) {
      headers++;
      continue;
    }
    // The first sample starts with its header.
    if (headers === 0) return false;
    const frame = parseStackLine(line);
    if (frame && HEX.test(frame.pc)) frames++;
    else other++;
  }
  return headers > 0 && frames > 0 && other * 10 <= headers + frames;
}

/**
 * perf script of a recording without call graphs: one line per sample, the command right-aligned
 * (`            perf  2945 [000] 178226.464329:  1 cycles:  ffffffff8106a5d6 native_write_msr+0x6 ([kernel.kallsyms])`).
 */
export function looksLikePerfScriptWithoutStacks(text: string): boolean {
  let samples = 0;
  for (const line of headLines(text, MAX_LINES)) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const trimmed = line.trimStart();
    const head = parseRecordHeader(trimmed);
    const frameStart = head ? flatRecordFrameStart(trimmed, head.end) : -1;
    if (frameStart < 0 || !parseStackLine(trimmed.slice(frameStart))) return false;
    samples++;
  }
  return samples > 0;
}
