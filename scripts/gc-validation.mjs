// Regenerates docs/gc-validation.md: makes the full GC validation corpus (tests/go/gcload-corpus.mjs,
// cached per group, with the `repeat` set of runs repeated at the same settings and the `limiter` set of limits below
// what the program needs) and writes the page from it (tests/gc-corpus/gc-validation-doc.ts, run through
// vitest for its TypeScript). Make it on a machine as quiet as you can: GC CPU shares need it.
//
//   node scripts/gc-validation.mjs
//   node scripts/gc-validation.mjs --cached   (the page from the recordings already in
//                                             tests/.tmp/gc-corpus/full: runs no Go program, so a
//                                             model change can be measured on a busy machine)
//   node scripts/gc-validation.mjs --eval [--held-out] [--traces] [--curve] [--rows] [--spread]
//                                            (summary figures per shape, Go release, GOMAXPROCS and
//                                             setting from the recordings, development shapes only
//                                             unless --held-out; writes nothing)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from '../tests/go/gcload-corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const evalOnly = process.argv.includes('--eval');
const cached = evalOnly || process.argv.includes('--cached');
if (cached && !existsSync(path.join(root, 'tests/.tmp/gc-corpus/full'))) {
  console.error('gc-validation --cached: no recordings in tests/.tmp/gc-corpus/full (run without --cached to make them)');
  process.exit(1);
}
const r = cached ? { made: 0 } : await ensureCorpus('full', (m) => console.log(m));
if (!cached) console.log(`corpus: ${r.runs} runs (${r.made} made now) in ${(r.ms / 1000).toFixed(0)} s`);
// The run-to-run spread: each shape's baseline and three targets repeated (the `repeat` set).
const rr = cached ? { made: 0 } : await ensureCorpus('repeat', (m) => console.log(m));
if (!cached) console.log(`repeat set: ${rr.runs} runs (${rr.made} made now) in ${(rr.ms / 1000).toFixed(0)} s`);
// Limits below what the program needs, where the runtime's GC CPU limiter engages (the `limiter` set).
const lr = cached ? { made: 0 } : await ensureCorpus('limiter', (m) => console.log(m));
if (!cached) console.log(`limiter set: ${lr.runs} runs (${lr.made} made now) in ${(lr.ms / 1000).toFixed(0)} s`);
execFileSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'tests/gc-corpus/vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    GC_VALIDATION_LOAD: r.made > 0 ? load : '',
    ...(evalOnly
      ? {
          GC_EVAL: '1',
          GC_EVAL_HELD_OUT: process.argv.includes('--held-out') ? '1' : '',
          GC_EVAL_TRACES: process.argv.includes('--traces') ? '1' : '',
          GC_EVAL_CURVE: process.argv.includes('--curve') ? '1' : '',
          GC_EVAL_ROWS: process.argv.includes('--rows') ? '1' : '',
          GC_EVAL_SPREAD: process.argv.includes('--spread') ? '1' : '',
        }
      : {}),
  },
});
