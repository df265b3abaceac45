// Kubeconfig loading with kubectl's rules (--kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster,
// --context) and a small read-only HTTP client on top of @kubernetes/client-node's auth stack:
// KubeConfig.applyToHTTPSOptions supplies TLS material, bearer/exec/OIDC tokens and proxies;
// we do the request ourselves so that watch and log streams get a byte-level inactivity
// timeout, error bodies keep their Status message, and unparsable lines are counted, not lost.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig } from '@kubernetes/client-node';
import { UserError, describeError } from '../../core/errors.js';

/** Where the kubeconfig comes from (kubectl's flags; `options` is for tests and embedding). */
export interface KubeconfigFlags {
  kubeconfig?: string;
  context?: string;
  /** An object as KubeConfig.loadFromOptions takes it; wins over files. */
  options?: Record<string, unknown>;
}

/** A failed API call: HTTP status plus the apiserver's Status reason and message. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly path: string;
  constructor(status: number, reason: string, message: string, path: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.path = path;
  }
}

/** A stream that went quiet for longer than the inactivity timeout. */
export class InactivityError extends Error {
  constructor(ms: number, path: string) {
    super(`no data for ${Math.round(ms / 1000)} s on ${path}; reconnecting`);
    this.name = 'InactivityError';
  }
}

/** True for "resource version too old" (HTTP 410 or an ERROR event with code 410). */
export function isGone(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 410;
}

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** A read-only client bound to one kubeconfig context. */
export class KubeClient {
  readonly kc: KubeConfig;
  /** Context name (or "in-cluster"), for input names and messages. */
  readonly context: string;
  readonly server: string;
  /** The context's namespace, else "default" (kubectl's rule). */
  readonly namespace: string;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new UserError('the kubeconfig has no current cluster', 'pass --context NAME, or run `kubectl config use-context NAME`');
    this.server = cluster.server.replace(/\/+$/, '');
    this.context = kc.getCurrentContext() || cluster.name;
    this.namespace = kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  }

  /** Opens a request and resolves with the response once the status is 2xx; rejects with KubeApiError otherwise. */
  async open(method: 'GET' | 'POST', path: string, query: Query = {}, opts: { signal?: AbortSignal; body?: unknown } = {}): Promise<IncomingMessage> {
    const reqOpts: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(reqOpts);
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: http.OutgoingHttpHeaders = { ...(reqOpts.headers as http.OutgoingHttpHeaders), accept: 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    const mod = url.protocol === 'http:' ? http : https;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = mod.request(url, { ...reqOpts, method, headers, signal: opts.signal }, (res) => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) return resolve(res);
        readAll(res)
          .then((text) => reject(apiError(code, text, path)))
          .catch(() => reject(new KubeApiError(code, 'Unknown', `HTTP ${code}`, path)));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GETs a path and parses the JSON body. */
  async getJson<T = unknown>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
    const res = await this.open('GET', path, query, { signal });
    return JSON.parse(await readAll(res)) as T;
  }

  /** POSTs a JSON body (only used for SelfSubjectAccessReview, which does not change the cluster). */
  async postJson<T = unknown>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.open('POST', path, {}, { signal, body });
    return JSON.parse(await readAll(res)) as T;
  }
}

/** Loads the kubeconfig as kubectl does and returns a client for the chosen context. */
export async function loadKube(flags: KubeconfigFlags = {}): Promise<KubeClient> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const where = flags.options ? 'the given kubeconfig' : flags.kubeconfig ?? process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
  try {
    if (flags.options) kc.loadFromOptions(flags.options);
    else if (flags.kubeconfig) {
      if (!existsSync(flags.kubeconfig)) throw new UserError(`kubeconfig ${flags.kubeconfig}: no such file`, 'check the path given to --kubeconfig');
      kc.loadFromFile(flags.kubeconfig);
    } else {
      const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST);
      const files = (process.env.KUBECONFIG ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
      const anyFile = files.some((f) => existsSync(f)) || existsSync(join(homedir(), '.kube', 'config'));
      if (!anyFile && !inCluster) {
        throw new UserError(
          'no kubeconfig found ($KUBECONFIG is unset or names no file, ~/.kube/config does not exist, and this is not a pod)',
          'pass --kubeconfig PATH, set KUBECONFIG, or analyse a bundle instead: ctrlscope check must-gather.tar.gz',
        );
      }
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot load kubeconfig ${where}: ${describeError(err)}`, 'check that it is valid YAML (`kubectl config view` reads it), or pass --kubeconfig PATH');
  }
  if (flags.context) {
    if (!kc.getContextObject(flags.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new UserError(`context "${flags.context}" not found in ${where}`, names.length ? `known contexts: ${names.join(', ')}` : 'the kubeconfig defines no contexts');
    }
    kc.setCurrentContext(flags.context);
  }
  return new KubeClient(kc);
}

/** Reads a whole response body as text. */
export async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function apiError(code: number, text: string, path: string): KubeApiError {
  try {
    const s = JSON.parse(text) as { kind?: string; reason?: string; message?: string; code?: number };
    if (s && s.kind === 'Status') return new KubeApiError(s.code ?? code, s.reason ?? 'Unknown', s.message ?? `HTTP ${code}`, path);
  } catch {
    // not a Status body
  }
  return new KubeApiError(code, 'Unknown', `HTTP ${code}: ${text.slice(0, 200).trim()}`, path);
}

/**
 * Splits a response into lines, aborting with InactivityError when no byte arrives for
 * `inactivityMs`. Throws when the connection drops; returns when the server ends the stream.
 */
export async function* streamLines(res: IncomingMessage, inactivityMs: number, path: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => res.destroy(new InactivityError(inactivityMs, path)), inactivityMs);
  };
  arm();
  try {
    for await (const chunk of res) {
      arm();
      const text = carry + decoder.write(chunk as Buffer);
      const parts = text.split('\n');
      carry = parts.pop()!;
      for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
    }
    if (!res.complete) throw new Error(`connection closed before the response ended (${path})`);
    carry += decoder.end();
    if (carry) yield carry;
  } finally {
    clearTimeout(timer);
    if (!res.destroyed) res.destroy();
  }
}

/** A user-readable one-liner for an API or network error. */
export function errorText(err: unknown): string {
  if (err instanceof KubeApiError) return `${err.status} ${err.reason}: ${err.message}`;
  return describeError(err);
}
