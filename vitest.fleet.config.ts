import { defineConfig } from 'vitest/config';

// The fleet tier: the exported log rules and the log-engine source against a real VictoriaLogs
// built from its Go module (`npm run test:fleet` builds it first).
export default defineConfig({
  test: {
    include: ['test/fleet/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    globalSetup: ['test/helpers/scratch-tmpdir.ts'],
  },
});
