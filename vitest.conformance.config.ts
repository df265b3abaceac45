import { defineConfig } from 'vitest/config';

// Conformance against real logs and a real must-gather in ../shared/real-data (not part of a
// user's clone). .ci/run sets CTRLSCOPE_REQUIRE_REAL_DATA=1, which makes a missing folder fail.
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    testTimeout: 60_000,
    // A private TMPDIR per run, removed at the end (see the file).
    globalSetup: ['test/helpers/scratch-tmpdir.ts'],
  },
});
