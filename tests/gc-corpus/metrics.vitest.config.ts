// Runs the runtime/metrics input measurement (not part of npm test): scripts/gc-metrics-input.mjs.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['tests/gc-corpus/gc-metrics-doc.ts'], environment: 'node', testTimeout: 600_000 },
});
