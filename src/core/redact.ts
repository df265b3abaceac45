// Masks secrets before anything leaves the tool. Redaction is a table of detectors, each a row
// with an id, what it masks, and an example in redact.test.ts showing what must stay visible
// around it. Four kinds of rows:
//   - keys: the value after a secret-ish key, in every spelling a log line uses (`k=v`, `k: v`,
//     `"k":"v"`, JSON escaped inside a string `\"k\":\"v\"`, Go's `map[K:[v]]`, `--k v`, `--k=v`);
//   - value shapes: JWTs, PEM private keys (also without their END line), base64-encoded PEM
//     private keys (kubeconfig `client-key-data`), passwords in URLs;
//   - known token prefixes, from the formats the vendors document (GitHub, AWS, Slack, GitLab,
//     Google, Stripe, npm): masked wherever they appear, the prefix kept so a reader knows what
//     kind of credential was there;
//   - high-entropy values after keys that name keys, signatures or sessions.
// `redactDeep` applies the table to every string of a report; src/report/index.ts does so for
// every format before a reporter sees the report, and the engine does so for each finding, so
// no reporter and no view can write an unmasked string. `--no-redact` turns both off.

/** What replaces a secret. */
export const MASK = '***';

/** One detector of the table. */
export interface Detector {
  /** Stable kebab-case id, used in tests and in the README's list. */
  id: string;
  /** What it masks, for the README. */
  masks: string;
  /**
   * A cheap test the text must pass before `re` runs (a literal the match must contain). Most
   * strings of a report hold no secret at all, and the key rows cost far more than this test.
   */
  hint: RegExp;
  /** Global regular expression; replaced by `replace`. */
  re: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

// Key names whose value is a secret. `auth` and `cookie` only as whole names (so `author` and
// `cookies_enabled` stay). Matched case-insensitively, with `_`, `-` or nothing between words.
const SECRET_WORDS = String.raw`(?:password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|credentials?|access[_-]?key(?:[_-]?id)?|secret[_-]?key|client[_-]?secret|client[_-]?key[_-]?data|x[_-]api[_-]key|session[_-]?(?:id|key|token))`;
/** A key containing a secret word (`db_password`, `accessKey`, `aws_secret_access_key`), or exactly `auth`, `cookie`, `authorization`. */
const KEY = String.raw`(?:[\w.-]{0,40}${SECRET_WORDS}[\w.-]{0,40}|auth|cookie|set-cookie|authorization|proxy-authorization)`;
// Runs before and after the secret word are bounded: an unbounded `[\w.-]*` tried from every word
// boundary of a 1 MiB line of `a.a.a…` is quadratic.

/** Some secret word or key name is in the text: the key rows run only then. */
const SECRET_HINT = /pass|secret|token|key|credential|auth|cookie|session/i;

/** Keys that name where a secret is kept, not the secret: `--tls-private-key-file=/etc/k`, `tokenPath: …`. */
const POINTER_KEY_RE = /(?:[_-]?(?:file|path|dir|ref|name|len|length|count|type|id_?ref|secret_?name|secretRef))$/i;
/**
 * `auth` is also a word of prose (`using the Kubernetes auth: while requesting a token`): after that
 * bare key, a value of lower-case letters alone is a word, not a credential (docker config and
 * basic-auth values are base64, mixed case or with digits).
 */
const AUTH_PROSE_RE = /^auth$/i;
const PROSE_WORD_RE = /^[a-z]+$/;
/** Go type names (`*v1.Secret: failed to list`), which precede error text, not a value. */
const GO_TYPE_KEY_RE = /^v\d\w*\./;
/** The same, for header-like keys whose value runs to the end of the field (scheme and token, or several cookies). */
const WHOLE_VALUE_KEY = String.raw`(?:authorization|proxy-authorization|cookie|set-cookie)`;

// Value shapes: a JWT is three base64url parts, the first two JSON objects (`eyJ` = `{"`).
const JWT = String.raw`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`;

/** Keys whose value names an object (a workqueue key, a dedup key), never a secret. */
const NAME_KEY_RE = /(?:queue|dedup|cache|work|object|resource|index|sort|partition|group|routing|lookup|map|idempotency|primary|foreign)[_-]?key/i;

/** Shannon entropy of a string, in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Masks a base64 blob when it decodes to a PEM private key; keeps certificates (public) as they are. */
function base64Pem(blob: string): string {
  const head = Buffer.from(blob.slice(0, 80), 'base64').toString('latin1');
  return /PRIVATE KEY/.test(head) ? MASK : blob;
}

/**
 * The table, applied in order. Shapes and prefixes come first (they are found anywhere, even in
 * a value a key row would mask whole), then the key rows.
 */
export const DETECTORS: readonly Detector[] = [
  // ---- value shapes
  {
    id: 'pem-private-key',
    masks: 'PEM private key blocks (RSA, EC, OpenSSH, PKCS#8, encrypted), also with escaped newlines and without their END line',
    hint: /PRIVATE KEY/,
    re: /(-----BEGIN ([A-Z0-9 ]{0,20})PRIVATE KEY-----)(?!\*\*\*)(?:[\s\S]*?(-----END \2PRIVATE KEY-----)|(?:[A-Za-z0-9+/=\s:,-]|\\[nrt])*)/g,
    replace: (_m, begin, _kind, end) => `${begin}${MASK}${end ?? ''}`,
  },
  {
    id: 'base64-pem-private-key',
    masks: 'base64-encoded PEM private keys (kubeconfig `client-key-data`, Secret data); certificate data is kept',
    hint: /LS0tLS1CRUdJTi/,
    re: /LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2}/g,
    replace: (m) => base64Pem(m),
  },
  {
    id: 'jwt',
    masks: 'JSON Web Tokens anywhere (service-account tokens, OIDC id tokens)',
    hint: /eyJ/,
    re: new RegExp(String.raw`\b${JWT}`, 'g'),
    replace: MASK,
  },
  {
    id: 'url-password',
    masks: 'the password in a URL (`https://user:PASSWORD@host`); the user and host stay',
    hint: /:\/\/[^\s]*@/,
    re: /\b([a-z][a-z0-9+.-]{0,20}:\/\/[^/\s:@"'<>]+:)([^/\s@"'<>]+)(@)/gi,
    replace: `$1${MASK}$3`,
  },
  // ---- known token prefixes (the prefix stays, so the kind of credential is visible)
  {
    id: 'aws-access-key-id',
    masks: 'AWS access key ids (`AKIA…`, `ASIA…` and the other documented unique-id prefixes)',
    hint: /A(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|PKA|ROA|SCA)/,
    re: /\b(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g,
    replace: `$1${MASK}`,
  },
  {
    id: 'github-token',
    masks: 'GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`)',
    hint: /gh[pousr]_|github_pat_/,
    re: /\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,255}\b/g,
    replace: `$1${MASK}`,
  },
  {
    id: 'slack-token',
    masks: 'Slack tokens (`xoxa-`, `xoxb-`, `xoxp-`, `xoxr-`, `xoxs-`, `xapp-`) and incoming-webhook URLs',
    hint: /xox[abprs]-|xapp-|hooks\.slack\.com/,
    re: /\b(xox[abprs]-|xapp-)[A-Za-z0-9-]{10,}|\b(hooks\.slack\.com\/services\/)[A-Za-z0-9/_-]+/g,
    replace: (_m, token, hook) => `${token ?? hook}${MASK}`,
  },
  {
    id: 'gitlab-token',
    masks: 'GitLab tokens (`glpat-`, `gldt-`, `glrt-`, `glptt-`, `glsoat-`, `glcbt-`)',
    hint: /gl(?:pat|dt|rt|ptt|soat|cbt)-/,
    re: /\b(glpat-|gldt-|glrt-|glptt-|glsoat-|glcbt-)[A-Za-z0-9_-]{20,}/g,
    replace: `$1${MASK}`,
  },
  {
    id: 'google-api-key',
    masks: 'Google API keys (`AIza…`)',
    hint: /AIza/,
    re: /\b(AIza)[0-9A-Za-z_-]{35}\b/g,
    replace: `$1${MASK}`,
  },
  {
    id: 'stripe-key',
    masks: 'Stripe-style secret and restricted keys (`sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`)',
    hint: /[sr]k_(?:live|test)_/,
    re: /\b([sr]k_(?:live|test)_)[0-9A-Za-z]{10,}/g,
    replace: `$1${MASK}`,
  },
  {
    id: 'npm-token',
    masks: 'npm access tokens (`npm_…`)',
    hint: /npm_/,
    re: /\b(npm_)[A-Za-z0-9]{36}\b/g,
    replace: `$1${MASK}`,
  },
  // ---- keys
  {
    id: 'go-map-key',
    masks: "values of secret keys in Go's map formatting (`map[Authorization:[Bearer …]]`)",
    hint: SECRET_HINT,
    re: new RegExp(String.raw`(\b${KEY}:)\[[^\]]*\]`, 'gi'),
    replace: `$1[${MASK}]`,
  },
  {
    id: 'bearer-token',
    masks: 'a token after `Bearer` anywhere (8+ characters with a digit or punctuation, so "bearer token" in prose stays)',
    hint: /bearer/i,
    re: /\b(bearer\s+)(?![\w-]{0,12}\*\*\*)(?=[A-Za-z0-9\-._~+/]*[0-9._~+/-])[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: `$1${MASK}`,
  },
  {
    id: 'header-value',
    masks: 'the whole value of `Authorization`, `Proxy-Authorization`, `Cookie` and `Set-Cookie` (scheme, token, every cookie)',
    hint: /authorization|cookie/i,
    re: new RegExp(String.raw`(\b${WHOLE_VALUE_KEY}["']?\s*[:=]\s*)(?!\s*(?:\[|\*\*\*))(["']?)(?:[^\r\n"'\\}\]]|\\(?!"))+`, 'gi'),
    replace: `$1$2${MASK}`,
  },
  {
    id: 'escaped-json-key',
    masks: 'values of secret keys in JSON escaped inside a string (`\\"password\\":\\"…\\"`), as zap and slog write a nested object',
    hint: SECRET_HINT,
    re: new RegExp(String.raw`(\\"${KEY}\\"\s*:\s*)(\\"(?:(?!\\")[\s\S])*\\"|[^\s,}\\]+)`, 'gi'),
    replace: `$1\\"${MASK}\\"`,
  },
  {
    id: 'json-key',
    masks: 'values of secret keys in JSON (`"password": "…"`, `"accessKey": "…"`, docker config `"auth": "…"`)',
    hint: SECRET_HINT,
    re: new RegExp(String.raw`("${KEY}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi'),
    replace: `$1"${MASK}"`,
  },
  {
    id: 'cli-flag',
    masks: 'values of secret flags on command lines (`--token VALUE`, `--token=VALUE`, `--password`, `--client-secret`)',
    hint: SECRET_HINT,
    re: new RegExp(String.raw`(--?[\w-]{0,40}${SECRET_WORDS}[\w-]{0,40})(=|\s+)(?!\s*(?:-|[\w-]{0,12}\*\*\*))("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)`, 'gi'),
    replace: (m, flag: string, sep: string) => (POINTER_KEY_RE.test(flag) ? m : `${flag}${sep}${MASK}`),
  },
  {
    id: 'key-value',
    masks: 'values of secret keys as `key=value` or `key: value`, quoted or not (`password=`, `token:`, `client_secret=`, `?access_token=`, `private_key=`, `credentials=`)',
    hint: SECRET_HINT,
    re: new RegExp(String.raw`(\b${KEY})(\s*[=:]\s*)(?!\s*(?:\[|["']?[\w-]{0,12}\*\*\*))("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&"'}\]]+)`, 'gi'),
    replace: (m, key: string, sep: string, value: string) =>
      POINTER_KEY_RE.test(key) || GO_TYPE_KEY_RE.test(key) || (AUTH_PROSE_RE.test(key) && PROSE_WORD_RE.test(value)) ? m : `${key}${sep}${MASK}`,
  },
  {
    id: 'high-entropy',
    masks: 'random-looking values (20+ characters, over 3.5 bits of entropy per character) after keys naming a key, signature, salt or session (`signing_key=`, `X-Amz-Signature=`, `sig=`)',
    hint: /key|sig|hmac|salt|nonce|session/i,
    re: /(\b[\w-]{0,40}(?:[_-]key|Key|signature|Signature|SIGNATURE|hmac|HMAC|salt|nonce|sessionid|SessionId|sig)["']?\s*[=:]\s*["']?)([A-Za-z0-9+/=_.~-]{20,})/g,
    replace: (m, lead: string, value: string) => (!NAME_KEY_RE.test(lead) && /\d/.test(value) && /[A-Za-z]/.test(value) && entropy(value) > 3.5 ? `${lead}${MASK}` : m),
  },
];

/** Returns `text` with every detector of the table applied. */
export function redact(text: string): string {
  let out = text;
  for (const d of DETECTORS) {
    if (!d.hint.test(out)) continue;
    d.re.lastIndex = 0;
    out = out.replace(d.re, d.replace as string);
  }
  return out;
}

/**
 * A copy of `value` with every string in it (at any depth, in arrays and plain objects)
 * redacted. Object keys are left alone: they are ctrlscope's own field and metric names.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
