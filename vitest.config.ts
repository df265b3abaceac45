import { defineConfig } from 'vitest/config';

// Unit and end-to-end tests of the project itself. They need nothing outside this repository;
// the conformance suite over ../shared/real-data and the cluster tier have configs of their own.
export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    exclude: ['test/conformance/**', 'test/cluster/**', 'test/fleet/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    // A private TMPDIR per run, removed at the end (see the file).
    globalSetup: ['test/helpers/scratch-tmpdir.ts'],
  },
});
