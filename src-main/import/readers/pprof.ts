// pprof protobuf profiles (gzipped or not): decoded and summarised in the profile worker.

import type { ProfileSummary } from '../../analysis/profile-summary.js';
import type { ArtifactReader } from '../reader-types.js';
import { summarizeInWorker } from './summarize-in-worker.js';

export const pprofReader: ArtifactReader = {
  kind: 'profile',
  async read(input, ctx) {
    const summary: ProfileSummary = await summarizeInWorker(input, ctx);
    return {
      subtype: summary.profileType,
      capturedAt: summary.capturedAt,
      durationNs: summary.durationNs || null,
      goVersion: null,
      summary,
    };
  },
};
