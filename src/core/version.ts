// The tool's version, reported in `--version` and in every JSON report.
export const VERSION = '0.1.0';
