// Made-up secrets, one or more per detector of src/core/redact.ts, each with the exact redacted
// text (what must stay visible around the mask) and a substring that must never survive.
// Shared by the redaction table's test and the test that renders a report in every format.

// Credentials in each vendor's documented shape; none is real.
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0.c2lnbmF0dXJlLW5vdC1yZWFs';
const PEM_KEY = 'MIIEowIBAAKCAQEAx7s3cRetKeYNotRealAtAll0123456789abcdef';
const B64_PRIVATE = Buffer.from(`-----BEGIN RSA PRIVATE KEY-----\n${PEM_KEY}\n-----END RSA PRIVATE KEY-----\n`).toString('base64');
const B64_CERT = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIC5zCCAc+gAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\n-----END CERTIFICATE-----\n').toString('base64');

/** One row per example: the detector it exercises, the input, and the exact output (what must stay visible around the mask). */
export const SECRET_EXAMPLES: ReadonlyArray<{ detector: string; input: string; want: string; secret: string }> = [
  { detector: 'pem-private-key', input: `key: "-----BEGIN RSA PRIVATE KEY-----\\n${PEM_KEY}\\n-----END RSA PRIVATE KEY-----" next=1`, want: 'key: "-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----" next=1', secret: PEM_KEY },
  { detector: 'pem-private-key', input: `{"msg":"loaded","key":"-----BEGIN PRIVATE KEY-----\\n${PEM_KEY}\\nMore","n":2}`, want: '{"msg":"loaded","key":"-----BEGIN PRIVATE KEY-----***","n":2}', secret: PEM_KEY },
  { detector: 'base64-pem-private-key', input: `    client-key-data: ${B64_PRIVATE}`, want: '    client-key-data: ***', secret: B64_PRIVATE.slice(20, 60) },
  { detector: 'base64-pem-private-key', input: `data: {tls.key: ${B64_PRIVATE}, tls.crt: ${B64_CERT}}`, want: `data: {tls.key: ***, tls.crt: ${B64_CERT}}`, secret: B64_PRIVATE.slice(20, 60) },
  { detector: 'jwt', input: `I1206 10:00:00.000000 1 auth.go:12] using token ${JWT} for sa default/builder`, want: 'I1206 10:00:00.000000 1 auth.go:12] using token *** for sa default/builder', secret: JWT },
  { detector: 'url-password', input: 'dial postgres://app:s3cretPw@db.prod:5432/app failed', want: 'dial postgres://app:***@db.prod:5432/app failed', secret: 's3cretPw' },
  { detector: 'url-password', input: 'GET https://deploy:hunter2@registry.example.com/v2/ 401', want: 'GET https://deploy:***@registry.example.com/v2/ 401', secret: 'hunter2' },
  { detector: 'aws-access-key-id', input: 'aws: AccessKeyId=AKIAIOSFODNN7EXAMPLE region=us-east-1', want: 'aws: AccessKeyId=AKIA*** region=us-east-1', secret: 'IOSFODNN7EXAMPLE' },
  { detector: 'aws-access-key-id', input: 'sts creds ASIAY34FZKBOKMUTVV7A expire soon', want: 'sts creds ASIA*** expire soon', secret: 'Y34FZKBOKMUTVV7A' },
  { detector: 'github-token', input: 'clone with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed', want: 'clone with ghp_*** failed', secret: '16C7e42F292c6912E7710c838347Ae178B4a' },
  { detector: 'github-token', input: 'GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCD ok', want: 'GH=github_pat_*** ok', secret: '11ABCDEFG0123456789_abcdef' },
  { detector: 'slack-token', input: 'notify via xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx done', want: 'notify via xoxb-*** done', secret: 'AbCdEfGhIjKlMnOpQrStUvWx' },
  { detector: 'slack-token', input: 'POST https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX 200', want: 'POST https://hooks.slack.com/services/*** 200', secret: 'XXXXXXXXXXXXXXXXXXXXXXXX' },
  { detector: 'gitlab-token', input: 'push with glpat-xxxxxxxxxxxxxxxxxxx1 rejected', want: 'push with glpat-*** rejected', secret: 'xxxxxxxxxxxxxxxxxxx1' },
  { detector: 'google-api-key', input: 'maps AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe quota', want: 'maps AIza*** quota', secret: 'SyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe' },
  { detector: 'stripe-key', input: 'charge with sk_live_4eC39HqLyjWDarjtT1zdp7dc failed', want: 'charge with sk_live_*** failed', secret: '4eC39HqLyjWDarjtT1zdp7dc' },
  { detector: 'npm-token', input: '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789', want: '//registry.npmjs.org/:_authToken=npm_***', secret: 'abcdefghijklmnopqrstuvwxyz0123456789' },
  { detector: 'go-map-key', input: 'headers=map[Accept:[application/json] Authorization:[Bearer abc123.def456]]', want: 'headers=map[Accept:[application/json] Authorization:[***]]', secret: 'abc123.def456' },
  { detector: 'go-map-key', input: 'req map[Cookie:[session=9f8e7d6c5b4a; theme=dark]]', want: 'req map[Cookie:[***]]', secret: '9f8e7d6c5b4a' },
  { detector: 'bearer-token', input: 'sent bearer abc.def-ghi', want: 'sent bearer ***', secret: 'abc.def-ghi' },
  { detector: 'bearer-token', input: 'Unauthorized: invalid bearer token', want: 'Unauthorized: invalid bearer token', secret: '' },
  { detector: 'header-value', input: 'Authorization: Bearer sk2.abcdef123456', want: 'Authorization: ***', secret: 'abcdef123456' },
  { detector: 'header-value', input: 'curl -H "authorization: Basic dXNlcjpwYXNz" https://x', want: 'curl -H "authorization: ***" https://x', secret: 'dXNlcjpwYXNz' },
  { detector: 'header-value', input: '{"Authorization": "Basic dXNlcjpwYXNz", "Accept": "*/*"}', want: '{"Authorization": "***", "Accept": "*/*"}', secret: 'dXNlcjpwYXNz' },
  { detector: 'header-value', input: 'Cookie: session=9f8e7d6c5b4a; csrftoken=77aa', want: 'Cookie: ***', secret: '9f8e7d6c5b4a' },
  { detector: 'escaped-json-key', input: '{"level":"info","msg":"request","body":"{\\"user\\":\\"bob\\",\\"password\\":\\"hunter2\\"}"}', want: '{"level":"info","msg":"request","body":"{\\"user\\":\\"bob\\",\\"password\\":\\"***\\"}"}', secret: 'hunter2' },
  { detector: 'escaped-json-key', input: 'time=2026-12-06T10:00:00Z msg=call req="{\\"token\\":\\"tok-77aa99\\",\\"n\\":1}"', want: 'time=2026-12-06T10:00:00Z msg=call req="{\\"token\\":\\"***\\",\\"n\\":1}"', secret: 'tok-77aa99' },
  { detector: 'escaped-json-key', input: '"headers":"{\\"Authorization\\": \\"Basic dXNlcjpwYXNz\\"}"', want: '"headers":"{\\"Authorization\\": \\"***\\"}"', secret: 'dXNlcjpwYXNz' },
  { detector: 'json-key', input: '{"user":"a","password":"hunter2","n":1}', want: '{"user":"a","password":"***","n":1}', secret: 'hunter2' },
  { detector: 'json-key', input: '{"client_secret": "s3cr\\"et"}', want: '{"client_secret": "***"}', secret: 's3cr' },
  { detector: 'json-key', input: '{"accessKey":"minio-access-1","secretKey":"minio-secret-1"}', want: '{"accessKey":"***","secretKey":"***"}', secret: 'minio-' },
  { detector: 'json-key', input: '{"auths":{"registry.example.com":{"auth":"ZGVwbG95Omh1bnRlcjI="}}}', want: '{"auths":{"registry.example.com":{"auth":"***"}}}', secret: 'ZGVwbG95Omh1bnRlcjI' },
  { detector: 'cli-flag', input: 'exec: kubectl --token abc123xyz --server https://k8s:6443 get pods', want: 'exec: kubectl --token *** --server https://k8s:6443 get pods', secret: 'abc123xyz' },
  { detector: 'cli-flag', input: 'args: --client-secret=zzTop99 --v=2', want: 'args: --client-secret=*** --v=2', secret: 'zzTop99' },
  { detector: 'cli-flag', input: 'kube-apiserver --tls-private-key-file=/etc/kubernetes/pki/apiserver.key --token-auth-file=/etc/tokens.csv', want: 'kube-apiserver --tls-private-key-file=/etc/kubernetes/pki/apiserver.key --token-auth-file=/etc/tokens.csv', secret: '' },
  { detector: 'key-value', input: 'login user=bob password=hunter2 ok', want: 'login user=bob password=*** ok', secret: 'hunter2' },
  { detector: 'key-value', input: 'token="abc def" next=1', want: 'token=*** next=1', secret: 'abc def' },
  { detector: 'key-value', input: '    token: kubeconfig-user-token-abc', want: '    token: ***', secret: 'kubeconfig-user-token-abc' },
  { detector: 'key-value', input: 'GET /api?access_token=abc123&page=2', want: 'GET /api?access_token=***&page=2', secret: 'abc123' },
  { detector: 'key-value', input: 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', want: 'aws_secret_access_key=***', secret: 'wJalrXUtnFEMI' },
  { detector: 'key-value', input: 'cfg private_key=abc passphrase=open-sesame credentials=u:p', want: 'cfg private_key=*** passphrase=*** credentials=***', secret: 'open-sesame' },
  { detector: 'key-value', input: 'X-Api-Key: 0123456789abcdef', want: 'X-Api-Key: ***', secret: '0123456789abcdef' },
  { detector: 'key-value', input: 'client_secret=s3cr3t', want: 'client_secret=***', secret: 's3cr3t' },
  { detector: 'key-value', input: 'E1206 reflector.go:138] failed to list *v1.Secret: secrets is forbidden', want: 'E1206 reflector.go:138] failed to list *v1.Secret: secrets is forbidden', secret: '' },
  { detector: 'high-entropy', input: 'webhook signing_key=9fK2xQ7LmZ4vB8nR1tY6wE3sD5 ready', want: 'webhook signing_key=*** ready', secret: '9fK2xQ7LmZ4vB8nR1tY6wE3sD5' },
  { detector: 'high-entropy', input: 'GET /b/o?X-Amz-Signature=7d3c1b6a9e8f2d4c0b5a6e7f8d9c0b1a2e3f4d5c6b7a8e9f', want: 'GET /b/o?X-Amz-Signature=***', secret: '7d3c1b6a9e8f2d4c0b5a' },
  { detector: 'high-entropy', input: 'requeue queue_key="default/rr-7f9c2a1b3d4e5f6a7b8c"', want: 'requeue queue_key="default/rr-7f9c2a1b3d4e5f6a7b8c"', secret: '' },
];

