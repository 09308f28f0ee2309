// Runs the validation report generator (not part of npm test): scripts/gc-validation.mjs.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['tests/gc-corpus/gc-validation-doc.ts'], environment: 'node', testTimeout: 1_800_000 },
});
