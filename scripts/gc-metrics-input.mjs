// Measures what runtime/metrics snapshots change in the GC what-if and writes the figures into
// docs/gc-whatif-inputs.md: makes the corpus set 'snapshots' (tests/go/gcload-corpus.mjs, cached:
// 4 shapes × 6 runs at GOMAXPROCS 2, about a minute once) and runs tests/gc-corpus/gc-metrics-doc.ts.
//
//   node scripts/gc-metrics-input.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from '../tests/go/gcload-corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const r = await ensureCorpus('snapshots', (m) => console.log(m));
console.log(`corpus snapshots: ${r.runs} runs (${r.made} made now) in ${(r.ms / 1000).toFixed(0)} s`);
execFileSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'tests/gc-corpus/metrics.vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GC_METRICS_LOAD: r.made > 0 ? load : process.env.GC_METRICS_LOAD ?? '' },
});
