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
 * @param {{log?: (msg: string) => void}} [opts]
 * @returns {Promise<string>} absolute path of allocs.pb.gz
 */
export async function makeBigAllocsProfile(outDir, opts = {}) {
  const dir = path.resolve(outDir);
  await ensureGoProfiles({ name: 'bigallocs', outDir: dir, files: ['allocs.pb.gz'], log: opts.log });
  return path.join(dir, 'allocs.pb.gz');
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
