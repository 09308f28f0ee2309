// Bytes of any profile-like format → the columnar Profile, chosen by content.

import type { Profile } from '../model/profile.js';
import { detectFormat, DETECT_HEAD_BYTES } from './detect-format.js';
import { FormatError } from './format-error.js';
import { FoldedStream, parseFolded } from './folded/parse-folded.js';
import { parsePerfScript, PerfScriptStream } from './perf-script/parse-perf-script.js';
import { decodePprof, type DecodeOptions } from './pprof/decode-pprof.js';

/** `options`: how pprof's samples are kept (the text formats' stacks are small beside them). */
export function decodeProfileBytes(bytes: Uint8Array, options: DecodeOptions = {}): Profile {
  const detected = detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES));
  switch (detected.format) {
    case 'pprof':
      return decodePprof(bytes, options);
    case 'perf-script':
      return parsePerfScript(bytes);
    case 'folded':
      return parseFolded(bytes);
    case null:
      throw new FormatError(detected.reason);
    default:
      throw new FormatError(`a ${String((detected as { format: string }).format)} file is not a profile`);
  }
}

/** A profile decoded from pieces of its bytes as they are read: text formats keep only their folded stacks. */
export interface ProfileStream {
  push(bytes: Uint8Array): void;
  finish(): Profile;
}

/**
 * The streaming decoder for a file whose first bytes (up to DETECT_HEAD_BYTES) are `head`:
 * perf script and folded stacks; null for formats decoded whole (pprof: gzipped, and small
 * beside the text it summarises). Throws FormatError for what is not a profile.
 */
export function profileStreamFor(head: Uint8Array): ProfileStream | null {
  const detected = detectFormat(head.subarray(0, DETECT_HEAD_BYTES));
  switch (detected.format) {
    case 'perf-script':
      return new PerfScriptStream();
    case 'folded':
      return new FoldedStream();
    case 'pprof':
      return null;
    case null:
      throw new FormatError(detected.reason);
    default:
      throw new FormatError(`a ${String((detected as { format: string }).format)} file is not a profile`);
  }
}
