// Builds tests/go/bigallocs and runs it to write a large real allocs profile
// (MemProfileRate=1, ~1.26 million allocations, ~47,000 distinct stacks, ~350 KB).
//
//   import { makeBigAllocsProfile } from './make-big-allocs.mjs';
//   const file = await makeBigAllocsProfile(dir);   // <dir>/allocs.pb.gz
//
// or `node tests/bench/make-big-allocs.mjs` to write tests/.tmp/bench/allocs.pb.gz.
// Cached like tests/go/make-fixtures.mjs: skipped when <dir>/bigallocs.stamp
// matches a hash of the Go source and `go version`. Needs Go >= 1.22 (or $GO).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGoProfiles, GoMissingError, repoRoot } from '../go/go-gen.mjs';

export { GoMissingError };

/**
 * @param {string} outDir folder to write allocs.pb.gz into (created if missing)
 * @param {{log?: (msg: string) => void, args?: string[]}} [opts] `args`: bigallocs's flags (its defaults: the ~47,000-record profile)
 * @returns {Promise<string>} absolute path of allocs.pb.gz
 */
export async function makeBigAllocsProfile(outDir, opts = {}) {
  const dir = path.resolve(outDir);
  await ensureGoProfiles({ name: 'bigallocs', outDir: dir, files: ['allocs.pb.gz'], args: opts.args, log: opts.log });
  return path.join(dir, 'allocs.pb.gz');
}

/** Walks for the runtime-written profile of about 1.5 million distinct records (bigallocs -bits 12: every walk its own path). */
export const RUNTIME_PROFILE_WALKS = 175_000;

/**
 * A big allocs profile as the Go runtime writes it (runtime/pprof, MemProfileRate=1): about 1.5
 * million distinct records, ~26 frames deep, its records in the runtime's order (its bucket list,
 * newest first) rather than grouped by stack as tests/go/bigprofile writes them. About 20 s to
 * make; cached in tests/.tmp/bigallocs-runtime.
 * @param {{log?: (msg: string) => void}} [opts]
 * @returns {Promise<string>} absolute path of allocs.pb.gz
 */
export function makeRuntimeAllocsProfile(opts = {}) {
  const walks = String(RUNTIME_PROFILE_WALKS);
  return makeBigAllocsProfile(path.join(repoRoot, 'tests', '.tmp', 'bigallocs-runtime'), { ...opts, args: ['-bits', '12', '-iters', walks, '-paths', walks] });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.join(repoRoot, 'tests', '.tmp', 'bench');
  const t0 = Date.now();
  try {
    const file = await makeBigAllocsProfile(outDir, { log: (m) => console.log(`make-big-allocs: ${m}`) });
    console.log(`make-big-allocs: ${path.relative(repoRoot, file)} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    if (err instanceof GoMissingError) console.error(`make-big-allocs: error: ${err.message}`);
    else console.error(`make-big-allocs: error: ${err?.stack || err}`);
    process.exit(1);
  }
}
