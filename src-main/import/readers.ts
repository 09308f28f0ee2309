// Which reader imports which detected format. One line per format; see reader-types.ts.

import type { FormatName } from '../formats/detect-format.js';
import type { ArtifactReader } from './reader-types.js';
import { pprofReader } from './readers/pprof.js';

export const READERS: Partial<Record<FormatName, ArtifactReader>> = {
  pprof: pprofReader,
};
