// The tool's version, reported in `--version` and in every JSON report.
export const VERSION = '0.1.0';

/**
 * The User-Agent of every request ctrlscope sends (API servers, metrics endpoints, Prometheus,
 * log engines), so that an administrator can tell it from other clients in audit and access logs:
 * `ctrlscope/0.1.0 (linux/amd64)`, in kubectl's shape.
 */
export function userAgent(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `ctrlscope/${VERSION} (${process.platform}/${arch})`;
}
