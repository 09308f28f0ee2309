// Regenerates docs/gc-validation.md: makes the full GC validation corpus (tests/go/gcload-corpus.mjs,
// cached per group) and writes the page from it (tests/gc-corpus/gc-validation-doc.ts, run through
// vitest for its TypeScript). Make it on a machine as quiet as you can: GC CPU shares need it.
//
//   node scripts/gc-validation.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus } from '../tests/go/gcload-corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const r = await ensureCorpus('full', (m) => console.log(m));
console.log(`corpus: ${r.runs} runs (${r.made} made now) in ${(r.ms / 1000).toFixed(0)} s`);
execFileSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'tests/gc-corpus/vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GC_VALIDATION_LOAD: r.made > 0 ? load : '' },
});
