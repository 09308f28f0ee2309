// Folded stacks (`a;b;c 42` lines): decoded in the profile worker into a profile of sample
// counts, kind 'profile', subtype 'collapsed'.

import type { ArtifactReader } from '../reader-types.js';
import { summarizeInWorker } from './summarize-in-worker.js';

export const foldedReader: ArtifactReader = {
  kind: 'profile',
  async read(input, ctx) {
    const summary = await summarizeInWorker(input, ctx);
    return { subtype: 'collapsed', capturedAt: null, durationNs: null, goVersion: null, summary };
  },
};
