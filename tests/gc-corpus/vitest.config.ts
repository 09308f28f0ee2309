// Runs the validation report generator (not part of npm test): scripts/gc-validation.mjs. With
// GC_EVAL=1 it runs the summary-only evaluation instead (tests/gc-corpus/gc-eval.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [process.env.GC_EVAL === '1' ? 'tests/gc-corpus/gc-eval.ts' : 'tests/gc-corpus/gc-validation-doc.ts'],
    environment: 'node',
    testTimeout: 1_800_000,
  },
});
