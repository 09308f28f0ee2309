// Tests run under Node against the engine's TypeScript and the built CLI/server (npm test builds first).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/.tmp/**', '**/node_modules/**'],
    environment: 'node',
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    // expect.poll waits on UI round trips and worker jobs; 1 s (vitest's default) is short on a
    // loaded 2-core machine. A poll that never holds still fails, after 15 s.
    expect: { poll: { timeout: 15_000 } },
  },
});
