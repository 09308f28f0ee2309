// Readers of profile-like files (pprof, perf script, folded stacks): the profile worker decodes
// the file (formats/decode-profile.ts picks the decoder by content) and summarises it; the
// decoded profile stays in the worker's cache for the first view. Formats differ only in the
// artifact kind and how the subtype is named. Files on disk are read as a stream (stream-import.ts).

import type { ProfileSummary } from '../../analysis/profile-summary.js';
import type { ArtifactKind } from '../../api/types.js';
import type { ArtifactReader, ReadArtifact } from '../reader-types.js';
import { readStreamedFile } from '../stream-import.js';

export function profileLikeReader(kind: ArtifactKind, subtypeOf: (summary: ProfileSummary) => string | null): ArtifactReader {
  const artifactOf = (summary: ProfileSummary): ReadArtifact => ({
    subtype: subtypeOf(summary),
    capturedAt: summary.capturedAt,
    durationNs: summary.durationNs || null,
    goVersion: null,
    summary,
  });
  return {
    kind,
    async read(input, ctx) {
      return artifactOf(await ctx.profiles.run<ProfileSummary>({ op: 'summarize', source: { sha256: input.sha256, bytes: input.bytes } }, () => input.bytes));
    },
    async readFile(input, ctx) {
      const streamed = await readStreamedFile(input.path, ctx.profiles, ctx.onProgress);
      return { ...artifactOf(streamed.summary), streamed };
    },
  };
}
