// Readers of profile-like files (pprof, perf script, folded stacks): the profile worker decodes
// the file (formats/decode-profile.ts picks the decoder by content) and summarises it; the
// decoded profile stays in the worker's cache for the first view. Formats differ only in the
// artifact kind and how the subtype is named.

import type { ProfileSummary } from '../../analysis/profile-summary.js';
import type { ArtifactKind } from '../../api/types.js';
import type { ArtifactReader } from '../reader-types.js';

export function profileLikeReader(kind: ArtifactKind, subtypeOf: (summary: ProfileSummary) => string | null): ArtifactReader {
  return {
    kind,
    async read(input, ctx) {
      const summary = await ctx.profiles.run<ProfileSummary>({ op: 'summarize', source: { sha256: input.sha256, bytes: input.bytes } }, () => input.bytes);
      return {
        subtype: subtypeOf(summary),
        capturedAt: summary.capturedAt,
        durationNs: summary.durationNs || null,
        goVersion: null,
        summary,
      };
    },
  };
}
