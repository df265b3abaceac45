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
import { USER_AGENT } from '../../core/user-agent.js';

/** No byte (response headers included) for this long ends a request when --request-timeout is 0. */
export const DEFAULT_IDLE_MS = 90_000;
/** Largest watch event (one JSON line) accepted; an object in etcd is at most 1.5 MiB by default. */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;

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

/** A request that got no answer (or no byte) in time. */
export class RequestTimeoutError extends Error {
  constructor(what: string, ms: number, server: string, path: string) {
    super(`${what} from ${server} within ${fmtSeconds(ms)} (${path})`);
    this.name = 'RequestTimeoutError';
  }
}

/** A watch event (one line of the stream) larger than the cap: the stream is cut. */
export class EventTooLargeError extends Error {
  constructor(max: number, path: string) {
    super(`a watch event on ${path} exceeded ${Math.round(max / 1048576)} MiB without a line end; the watch was cut and restarts with a fresh list`);
    this.name = 'EventTooLargeError';
  }
}

function fmtSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
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
  /** --request-timeout in ms: bounds each request up to its response headers (streams) or its whole body; 0: no bound. */
  requestTimeoutMs = 0;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new UserError('the kubeconfig has no current cluster', 'pass --context NAME, or run `kubectl config use-context NAME`');
    this.server = cluster.server.replace(/\/+$/, '');
    this.context = kc.getCurrentContext() || cluster.name;
    this.namespace = kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  }

  /**
   * Opens a request and resolves with the response once the status is 2xx; rejects with
   * KubeApiError otherwise. The wait for the response headers is bounded by --request-timeout, or
   * (when that is 0) by `idleMs` — a server that accepts the connection and never answers cannot
   * hold a request forever.
   */
  async open(
    method: 'GET' | 'POST',
    path: string,
    query: Query = {},
    opts: { signal?: AbortSignal; body?: unknown; idleMs?: number } = {},
  ): Promise<IncomingMessage> {
    const reqOpts: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(reqOpts);
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: http.OutgoingHttpHeaders = { ...(reqOpts.headers as http.OutgoingHttpHeaders), accept: 'application/json', 'user-agent': USER_AGENT };
    if (body) headers['content-type'] = 'application/json';
    const mod = url.protocol === 'http:' ? http : https;
    const waitMs = this.requestTimeoutMs > 0 ? this.requestTimeoutMs : (opts.idleMs ?? DEFAULT_IDLE_MS);
    return new Promise<IncomingMessage>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const req = mod.request(url, { ...reqOpts, method, headers, signal: opts.signal }, (res) => {
        clearTimeout(timer);
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) return resolve(res);
        readAll(res)
          .then((text) => reject(apiError(code, text, path, this.server)))
          .catch(() => reject(new KubeApiError(code, 'Unknown', `HTTP ${code}`, path)));
      });
      timer = setTimeout(() => req.destroy(new RequestTimeoutError('no response', waitMs, this.server, path)), waitMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(body);
    });
  }

  /** GETs a path and parses the JSON body; --request-timeout bounds the whole request. */
  async getJson<T = unknown>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
    return JSON.parse(await this.text('GET', path, query, signal)) as T;
  }

  /** POSTs a JSON body (only used for SelfSubjectAccessReview, which does not change the cluster). */
  async postJson<T = unknown>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return JSON.parse(await this.text('POST', path, {}, signal, body)) as T;
  }

  /** One whole request: headers and body within --request-timeout (or with no gap over the idle bound). */
  private async text(method: 'GET' | 'POST', path: string, query: Query, signal: AbortSignal | undefined, body?: unknown): Promise<string> {
    const ac = new AbortController();
    const all = signal ? AbortSignal.any([signal, ac.signal]) : ac.signal;
    const timer = this.requestTimeoutMs > 0 ? setTimeout(() => ac.abort(new RequestTimeoutError('no complete answer', this.requestTimeoutMs, this.server, path)), this.requestTimeoutMs) : undefined;
    try {
      const res = await this.open(method, path, query, { signal: all, body });
      return await readAll(res, DEFAULT_IDLE_MS, path);
    } catch (err) {
      if (ac.signal.aborted && !signal?.aborted) throw ac.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Asks the API server for /version (readable by every user, authenticated or not) to find out
 * whether it can be reached at all, within --request-timeout (else 30 s, client-go's dial
 * timeout). Throws a UserError naming the server and the reason when it cannot; resolves with the
 * server's version otherwise (a 403 or 404 there still proves a server answers).
 */
export async function probeServer(client: KubeClient, signal: AbortSignal): Promise<string | undefined> {
  const ms = client.requestTimeoutMs > 0 ? client.requestTimeoutMs : 30_000;
  const where = `the API server ${client.server} (context ${client.context})`;
  let hint = `check the server address and the network path to it (VPN, proxy): \`kubectl --context ${client.context} get --raw /version\` asks the same question`;
  if (client.server.startsWith('http://')) hint = `the kubeconfig names the server with http://; API servers serve https:// — ${hint}`;
  const timeout = AbortSignal.timeout(ms);
  try {
    const v = await client.getJson<{ gitVersion?: string }>('/version', {}, AbortSignal.any([signal, timeout]));
    return v?.gitVersion;
  } catch (err) {
    if (signal.aborted) throw err;
    if (err instanceof KubeApiError) {
      if (err.status === 403 || err.status === 404) return undefined;
      if (err.status === 401) throw new UserError(`${where} rejected the credentials: ${errorText(err)}`, 'log in again or refresh the token; `kubectl auth whoami` shows who you are to this server');
      throw new UserError(`${where} cannot serve requests: ${errorText(err)}`, hint);
    }
    const reason = timeout.aborted || err instanceof RequestTimeoutError ? `no answer within ${fmtSeconds(ms)}` : errorText(err);
    throw new UserError(`cannot reach ${where}: ${reason}`, hint);
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

/** Reads a whole response body as text; with `idleMs`, a gap of that long between bytes fails it. */
export async function readAll(res: IncomingMessage, idleMs?: number, path = ''): Promise<string> {
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (!idleMs) return;
    clearTimeout(timer);
    timer = setTimeout(() => res.destroy(new InactivityError(idleMs, path)), idleMs);
  };
  arm();
  try {
    for await (const c of res) {
      arm();
      chunks.push(c as Buffer);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function apiError(code: number, text: string, path: string, server = ''): KubeApiError {
  try {
    const s = JSON.parse(text) as { kind?: string; reason?: string; message?: string; code?: number };
    if (s && s.kind === 'Status') return new KubeApiError(s.code ?? code, s.reason ?? 'Unknown', s.message ?? `HTTP ${code}`, path);
  } catch {
    // not a Status body
  }
  // Go's TLS server answers a plain-HTTP request with this 400: the kubeconfig says http:// for an https server.
  if (code === 400 && /HTTP request to an HTTPS server/i.test(text)) {
    return new KubeApiError(400, 'BadRequest', `${server} speaks HTTPS, but the kubeconfig names it with http:// — write https:// in the cluster's server field`, path);
  }
  return new KubeApiError(code, 'Unknown', `HTTP ${code}: ${text.slice(0, 200).trim()}`, path);
}

/** What to do with a line longer than `maxLineBytes`: end the stream with an error, or cut it. */
export interface LineLimit {
  maxLineBytes: number;
  overlong: 'throw' | 'cut';
}

/**
 * Splits a response into lines, aborting with InactivityError when no byte arrives for
 * `inactivityMs`. Throws when the connection drops; returns when the server ends the stream. A
 * line longer than the limit ends the stream with EventTooLargeError (watch events), or is cut at
 * the limit and the rest of it skipped (log lines): memory stays bounded whatever the server sends.
 */
export async function* streamLines(
  res: IncomingMessage,
  inactivityMs: number,
  path: string,
  limit: LineLimit = { maxLineBytes: MAX_EVENT_BYTES, overlong: 'throw' },
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  // The partial last line, as pieces (joined once its end arrives: no quadratic re-scanning).
  let pending: string[] = [];
  let pendingLen = 0;
  let skipping = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => res.destroy(new InactivityError(inactivityMs, path)), inactivityMs);
  };
  const strip = (p: string) => (p.endsWith('\r') ? p.slice(0, -1) : p);
  arm();
  try {
    for await (const chunk of res) {
      arm();
      const text = decoder.write(chunk as Buffer);
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        const piece = text.slice(from, nl);
        from = nl + 1;
        if (skipping) {
          skipping = false;
          continue;
        }
        const line = pendingLen ? pending.join('') + piece : piece;
        pending = [];
        pendingLen = 0;
        if (line.length > limit.maxLineBytes) {
          if (limit.overlong === 'throw') throw new EventTooLargeError(limit.maxLineBytes, path);
          yield line.slice(0, limit.maxLineBytes);
          continue;
        }
        yield strip(line);
      }
      if (from < text.length && !skipping) {
        const rest = text.slice(from);
        pending.push(rest);
        pendingLen += rest.length;
        if (pendingLen > limit.maxLineBytes) {
          if (limit.overlong === 'throw') throw new EventTooLargeError(limit.maxLineBytes, path);
          yield pending.join('').slice(0, limit.maxLineBytes);
          pending = [];
          pendingLen = 0;
          skipping = true;
        }
      }
    }
    if (!res.complete) throw new Error(`connection closed before the response ended (${path})`);
    const last = pending.join('') + decoder.end();
    if (last && !skipping) yield strip(last);
  } finally {
    clearTimeout(timer);
    if (!res.destroyed) res.destroy();
  }
}

/** A user-readable one-liner for an API or network error. */
export function errorText(err: unknown): string {
  if (err instanceof KubeApiError) return `${err.status} ${err.reason}: ${err.message}`;
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  return describeError(err);
}
