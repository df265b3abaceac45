// Masks secrets in evidence before it leaves the tool: bearer tokens, Authorization headers,
// password/secret/token values in key=value and JSON, and PEM private keys. On by default;
// `--no-redact` turns it off.

const MASK = '***';

const RULES: ReadonlyArray<[RegExp, string]> = [
  // PEM private key blocks, possibly with escaped newlines inside a JSON string.
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g, `-----BEGIN $1PRIVATE KEY-----${MASK}-----END $1PRIVATE KEY-----`],
  // Authorization headers in any quoting: `Authorization: Bearer x`, `"authorization":"Basic x"`.
  [/(authorization["']?\s*[:=]\s*["']?)(?:bearer|basic|token)?\s*[^"'\s,}]+/gi, `$1${MASK}`],
  // A bare bearer token.
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${MASK}`],
  // JSON: "password": "x", "client_secret": "x", "token": "x", "apiKey": "x".
  [/("[\w.-]*(?:password|passwd|secret|token|api[_-]?key|private[_-]?key)[\w.-]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${MASK}"`],
  // key=value and key: value forms, quoted or not.
  [/\b([\w.-]*(?:password|passwd|secret|token|api[_-]?key)[\w.-]*)(\s*[=:]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&"'}]+)/gi, `$1$2${MASK}`],
];

/** Returns `text` with secrets masked. */
export function redact(text: string): string {
  let out = text;
  for (const [re, rep] of RULES) out = out.replace(re, rep);
  return out;
}
