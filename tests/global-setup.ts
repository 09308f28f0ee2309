// Before any test: make sure the build exists, the Go-made profiles are fresh, and the GC
// validation's runs are made on an otherwise idle machine.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { repoPath } from './helpers/paths';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCliGcLog, ensureValidationLogs } from './go/gcload-gen.mjs';
// @ts-expect-error: a plain .mjs helper without types
import { ensureRunpair } from './go/runpair-gen.mjs';
// @ts-expect-error: a plain .mjs helper without types
import { ensureCorpus } from './go/gcload-corpus.mjs';
// @ts-expect-error: a plain .mjs helper without types
import { ensureGoProfiles } from './go/go-gen.mjs';
// @ts-expect-error: a plain .mjs helper without types
import { ensureGoTools } from './go/trace-gen.mjs';

export default async function setup(): Promise<void> {
  if (!existsSync(repoPath('out/main/cli.js'))) {
    throw new Error('the app is not built: run `npm test` (it builds first) or `npm run build`');
  }
  execFileSync(process.execPath, [repoPath('tests/go/make-fixtures.mjs')], { stdio: 'inherit' });
  // go tool pprof and go tool trace, built once here (~20 s on a clean machine) rather than inside a test's time limit.
  const tools = await ensureGoTools();
  if (tools.ms > 2000) console.log(`go tools: pprof and trace built in ${(tools.ms / 1000).toFixed(0)} s`);
  // The GC validation's runs measure CPU shares: make them while nothing else runs (~1 min once).
  const r = await ensureValidationLogs((m: string) => console.log(`gc validation: ${m}`));
  if (!r.cached) console.log(`gc validation: runs made in ${(r.ms / 1000).toFixed(0)} s`);
  // The GC CLI tests order the what-ifs of one log: a run slowed by other tests reads as mostly GC.
  await ensureCliGcLog((m: string) => console.log(`gc cli log: ${m}`));
  // The run-comparison tests' executions are CPU profiles whose noise the false-positive check
  // measures: made here too, on a quiet machine, so that no other test's load drifts them.
  await ensureRunpair((m: string) => console.log(`runpair: ${m}`));
  // The small GC validation corpus (tests/unit/gc-corpus.test.ts): 8 short runs, ~10 s once.
  const c = await ensureCorpus('test', (m: string) => console.log(`gc corpus: ${m}`));
  if (c.made) console.log(`gc corpus: ${c.made} runs made in ${(c.ms / 1000).toFixed(0)} s`);
  // Its held-out programs' baselines (gc-self-replay.test.ts): 4 short runs, ~5 s once.
  const f = await ensureCorpus('test-fresh', (m: string) => console.log(`gc corpus: ${m}`));
  if (f.made) console.log(`gc corpus (cache, trees): ${f.made} runs made in ${(f.ms / 1000).toFixed(0)} s`);
  // The trace-vs-gctrace run (tests/unit/gc-from-trace.test.ts, gc-self-replay.test.ts) checks worker
  // and assist CPU and STW clocks cycle by cycle: made here too, so that no other test's load
  // deschedules its threads mid-cycle (~3 s once).
  const p = await ensureGoProfiles({ name: 'gctracepair', outDir: repoPath('tests/.tmp/gctracepair'), files: ['gctrace.log', 'trace.out', 'nogc.trace'] });
  if (!p.cached) console.log(`gctracepair: made in ${(p.ms / 1000).toFixed(0)} s`);
}
