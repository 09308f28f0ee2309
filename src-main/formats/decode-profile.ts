// Bytes of any profile-like format → the columnar Profile, chosen by content.

import type { Profile } from '../model/profile.js';
import { detectFormat, DETECT_HEAD_BYTES } from './detect-format.js';
import { FormatError } from './format-error.js';
import { parseFolded } from './folded/parse-folded.js';
import { parsePerfScript } from './perf-script/parse-perf-script.js';
import { decodePprof } from './pprof/decode-pprof.js';

export function decodeProfileBytes(bytes: Uint8Array): Profile {
  const detected = detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES));
  switch (detected.format) {
    case 'pprof':
      return decodePprof(bytes);
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
