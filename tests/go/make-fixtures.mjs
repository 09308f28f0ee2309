// npm run gen:go-fixtures (also run by `pretest`).
//
// Builds tests/go/profgen into tests/go/bin/ and runs it to write six real
// pprof profiles into tests/.tmp/go-profiles/:
//   cpu.pb.gz heap.pb.gz allocs.pb.gz block.pb.gz mutex.pb.gz goroutine.pb.gz
// Skipped when that folder already holds all six and profgen.stamp matches a
// hash of the Go source and `go version`. Needs Go >= 1.22 on PATH (or $GO).
import path from 'node:path';
import { ensureGoProfiles, GoMissingError, repoRoot } from './go-gen.mjs';

const outDir = path.join(repoRoot, 'tests', '.tmp', 'go-profiles');
const files = ['cpu', 'heap', 'allocs', 'block', 'mutex', 'goroutine'].map((k) => `${k}.pb.gz`);
const rel = path.relative(repoRoot, outDir);

try {
  const r = await ensureGoProfiles({
    name: 'profgen',
    outDir,
    files,
    log: (m) => console.log(`gen:go-fixtures: ${m}`),
  });
  console.log(
    r.cached
      ? `gen:go-fixtures: ${rel} is up to date`
      : `gen:go-fixtures: wrote ${files.length} profiles to ${rel} in ${(r.ms / 1000).toFixed(1)} s`,
  );
} catch (err) {
  if (err instanceof GoMissingError) console.error(`gen:go-fixtures: error: ${err.message}`);
  else console.error(`gen:go-fixtures: error: ${err?.stack || err}`);
  process.exit(1);
}
