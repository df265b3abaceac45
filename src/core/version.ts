// The tool's version, reported in `--version` and in every JSON report.
export const VERSION = '0.1.0';

/**
 * The User-Agent of every request ctrlscope sends (API servers, metrics endpoints, Prometheus,
 * log engines), so that an administrator can tell it from other clients in audit and access logs:
 * `ctrlscope/0.1.0 (linux/amd64)`, in kubectl's shape.
 */
export function userAgent(): string {
  return `ctrlscope/${VERSION} (${GOOS[process.platform] ?? process.platform}/${GOARCH[process.arch] ?? process.arch})`;
}

/** Go's names for Node's platform and arch, as Kubernetes clients write them. */
const GOOS: Record<string, string> = { win32: 'windows', sunos: 'solaris' };
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le' };
