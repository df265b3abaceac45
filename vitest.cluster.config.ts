import { defineConfig } from 'vitest/config';

// The cluster tier: a real kube-apiserver + etcd and real controllers, driven by
// test/cluster/cluster.mjs (`npm run test:cluster`). Files run one at a time
// because they share the cluster and its phases.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
