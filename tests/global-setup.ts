// Before any test: make sure the build exists, the Go-made profiles are fresh, and the GC
// validation's runs are made on an otherwise idle machine.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { repoPath } from './helpers/paths';
// @ts-expect-error: a plain .mjs helper without types
import { ensureValidationLogs } from './go/gcload-gen.mjs';
// @ts-expect-error: a plain .mjs helper without types
import { ensureRunpair } from './go/runpair-gen.mjs';

export default async function setup(): Promise<void> {
  if (!existsSync(repoPath('out/main/cli.js'))) {
    throw new Error('the app is not built: run `npm test` (it builds first) or `npm run build`');
  }
  execFileSync(process.execPath, [repoPath('tests/go/make-fixtures.mjs')], { stdio: 'inherit' });
  // The GC validation's runs measure CPU shares: make them while nothing else runs (~1 min once).
  const r = await ensureValidationLogs((m: string) => console.log(`gc validation: ${m}`));
  if (!r.cached) console.log(`gc validation: runs made in ${(r.ms / 1000).toFixed(0)} s`);
  // The run-comparison tests' executions are CPU profiles whose noise the false-positive check
  // measures: made here too, on a quiet machine, so that no other test's load drifts them.
  await ensureRunpair((m: string) => console.log(`runpair: ${m}`));
}
