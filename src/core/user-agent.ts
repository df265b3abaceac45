// The User-Agent of every request ctrlscope sends (API server, metrics endpoints, Prometheus),
// shaped like kubectl's (`kubectl/v1.33.0 (linux/amd64) …`), so that an API server's audit log
// and a proxy's access log tell ctrlscope apart from other clients.
import { VERSION } from './version.js';

/** Go's names for Node's platform and arch, as Kubernetes clients write them. */
const GOOS: Record<string, string> = { win32: 'windows', sunos: 'solaris' };
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', loong64: 'loong64' };

/** `ctrlscope/0.2.0 (linux/amd64)`. */
export const USER_AGENT = `ctrlscope/${VERSION} (${GOOS[process.platform] ?? process.platform}/${GOARCH[process.arch] ?? process.arch})`;
