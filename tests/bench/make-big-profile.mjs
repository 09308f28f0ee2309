// Builds tests/go/bigprofile and runs it to write a big allocs profile: SAMPLES distinct sample
// records (1.6 million by default), stacks 14–28 frames deep, labels, the four allocs sample
// types. Cached per sample count with a stamp (tests/go/go-gen.mjs).
//
//   import { makeBigProfile } from './make-big-profile.mjs';
//   const file = await makeBigProfile(dir, 120_000);   // <dir>/allocs.pb.gz
//
// or `node tests/bench/make-big-profile.mjs [SAMPLES]` to write tests/.tmp/bigprofile-SAMPLES/allocs.pb.gz.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGoProfiles, GoMissingError, repoRoot } from '../go/go-gen.mjs';

export { GoMissingError };
export const BIG_PROFILE_SAMPLES = 1_600_000;

/** The folder a profile of this many samples is cached in. */
export const bigProfileDir = (samples = BIG_PROFILE_SAMPLES) => path.join(repoRoot, 'tests', '.tmp', `bigprofile-${samples}`);

/**
 * @param {number} [samples] distinct sample records (at most 2,097,152)
 * @param {{log?: (msg: string) => void, outDir?: string, shuffled?: boolean}} [opts] `shuffled`: the same records in a fixed
 *   pseudo-random order (as a runtime or a merge writes them) instead of grouped by stack; cached in `<dir>-shuffled`.
 * @returns {Promise<string>} absolute path of allocs.pb.gz
 */
export async function makeBigProfile(samples = BIG_PROFILE_SAMPLES, opts = {}) {
  const dir = path.resolve(opts.outDir ?? `${bigProfileDir(samples)}${opts.shuffled ? '-shuffled' : ''}`);
  await ensureGoProfiles({ name: 'bigprofile', outDir: dir, files: ['allocs.pb.gz'], args: ['-samples', String(samples), ...(opts.shuffled ? ['-shuffle'] : [])], log: opts.log });
  return path.join(dir, 'allocs.pb.gz');
}

/** The shape of the flame graph frame-rate benchmark's profile (see tests/go/bigprofile): 1,000 stacks of about equal weight, the last level a chain of 100–112 frames. */
export const WIDE_FLAME_ARGS = ['-levels', '3', '-fanout', '10', '-samples', '1000', '-deep', '100', '-even'];

/**
 * A tall, wide flame graph: over 100,000 frames, each at least a pixel wide in a 1,200 px graph.
 * Cached in tests/.tmp/flamewide/allocs.pb.gz.
 * @param {{log?: (msg: string) => void}} [opts]
 * @returns {Promise<string>} absolute path of allocs.pb.gz
 */
export async function makeWideFlameProfile(opts = {}) {
  const dir = path.join(repoRoot, 'tests', '.tmp', 'flamewide');
  await ensureGoProfiles({ name: 'bigprofile', outDir: dir, files: ['allocs.pb.gz'], args: WIDE_FLAME_ARGS, log: opts.log });
  return path.join(dir, 'allocs.pb.gz');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const samples = Number(process.argv[2] ?? BIG_PROFILE_SAMPLES);
  const t0 = Date.now();
  try {
    const file = await makeBigProfile(samples, { log: (m) => console.log(`make-big-profile: ${m}`) });
    console.log(`make-big-profile: ${path.relative(repoRoot, file)} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    console.error(`make-big-profile: error: ${err instanceof GoMissingError ? err.message : err?.stack || err}`);
    process.exit(1);
  }
}
