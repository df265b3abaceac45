// Go log/slog JSONHandler lines: `{"time":…,"level":"INFO","msg":…, attrs…}`. Detection and parsing
// are shared with zap-json.ts (same object mapping); this module holds the real samples.
export { detect, parse } from './zap-json.js';

/** Real slog JSON lines. */
export const samples: string[] = [
  // Go standard library log/slog package documentation (pkg.go.dev/log/slog), JSONHandler example.
  '{"time":"2022-11-08T15:28:26.000000000-05:00","level":"INFO","msg":"hello","count":3}',
];
