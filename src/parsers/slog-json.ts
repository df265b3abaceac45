// Go log/slog JSONHandler lines: `{"time":…,"level":"INFO","msg":…, attrs…}`. Detection and parsing
// are zap-json.ts's (same object mapping, reported as `slog-json`); this module holds the real samples.

/** Real slog JSON lines. */
export const samples: string[] = [
  // Go standard library log/slog package documentation (pkg.go.dev/log/slog), JSONHandler example.
  '{"time":"2022-11-08T15:28:26.000000000-05:00","level":"INFO","msg":"hello","count":3}',
];
