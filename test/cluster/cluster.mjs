#!/usr/bin/env node
// The cluster tier's command line.
//   node test/cluster/cluster.mjs build    build kube-apiserver, etcd, clusterctl and the controllers
//   node test/cluster/cluster.mjs up       start etcd + kube-apiserver on 127.0.0.1, install CRDs, RBAC, kubeconfigs
//   node test/cluster/cluster.mjs down     stop every process recorded in .cluster/pids (add --purge to delete state)
//   node test/cluster/cluster.mjs status   print ports and live pids
//   node test/cluster/cluster.mjs test     build, fresh up, run vitest.cluster.config.ts, always down
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, STATE, beginShutdown, build, down, runAsync, status, up } from './harness.mjs';

const [cmd, ...rest] = process.argv.slice(2);

async function test() {
  const t0 = Date.now();
  let code = 1;
  // One shutdown, whether it comes from the end of the run or from a signal during it.
  let stopping;
  const stop = () => (stopping ??= down());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, async () => {
      console.error(`[cluster] ${sig}: stopping the tier`);
      beginShutdown();
      await stop();
      process.exit(130);
    });
  }
  try {
    build();
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'ctrlscope.js')) || process.env.CTRLSCOPE_SKIP_NPM_BUILD !== '1') {
      const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
      if (b.status !== 0) console.error('[cluster] npm run build failed; ctrlscope assertions will fail');
    }
    await down({ purge: true });
    await up();
    const v = await runAsync(
      path.join(ROOT, 'node_modules', '.bin', 'vitest'),
      ['run', '--config', path.join(ROOT, 'vitest.cluster.config.ts'), ...rest],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CTRLSCOPE_CLUSTER_UP: '1' } },
    );
    code = v.status;
  } catch (e) {
    console.error(`[cluster] ${e.message}`);
    code = 1;
  } finally {
    await stop();
    console.error(`[cluster] tier finished in ${((Date.now() - t0) / 1000).toFixed(0)}s, exit ${code}; state kept in ${STATE}`);
  }
  process.exit(code);
}

try {
  switch (cmd) {
    case 'build':
      build();
      break;
    case 'up':
      await up();
      break;
    case 'down':
      await down({ purge: rest.includes('--purge') });
      break;
    case 'status':
      console.log(JSON.stringify(status(), null, 2));
      break;
    case 'test':
      await test();
      break;
    default:
      console.error('usage: cluster.mjs build|up|down [--purge]|status|test');
      process.exit(2);
  }
} catch (e) {
  console.error(`[cluster] ${e.message}`);
  process.exit(1);
}
