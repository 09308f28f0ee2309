// Decodes a profile-like file in the profile worker (formats/decode-profile.ts picks the
// decoder by content) and returns its summary; the decoded profile stays in the worker's
// cache for the first view.

import type { ProfileSummary } from '../../analysis/profile-summary.js';
import type { ReaderContext, ReaderInput } from '../reader-types.js';

export function summarizeInWorker(input: ReaderInput, ctx: ReaderContext): Promise<ProfileSummary> {
  return ctx.profiles.run<ProfileSummary>({ op: 'summarize', source: { sha256: input.sha256, bytes: input.bytes } }, () => input.bytes);
}
