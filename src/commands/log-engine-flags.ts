// The flags that read logs out of a log engine (VictoriaLogs or Loki) instead of files, shared by
// `scan` and `watch`: where, which query, which engine, and the credentials (flags or environment).
import { Option, type Command } from 'commander';
import { UserError } from '../core/errors.js';
import type { LogEngineOptions } from '../sources/log-engine.js';

/** Raw log-engine flags as commander parses them. */
export interface LogEngineFlags {
  logsFrom?: string;
  query?: string;
  logsEngine?: 'vlogs' | 'loki';
  logsToken?: string;
  logsUser?: string;
  logsTenant?: string;
  logsPageSize?: string;
}

/** Adds --logs-from and its companions to a command. */
export function addLogEngineFlags(cmd: Command): Command {
  return cmd
    .option('--logs-from <url>', 'read logs from a log engine instead of (or besides) files: VictoriaLogs or Loki base URL')
    .option('--query <query>', 'with --logs-from: the log query (LogsQL for VictoriaLogs, a LogQL log query for Loki)')
    .addOption(new Option('--logs-engine <engine>', 'with --logs-from: the engine (default: asked of the server)').choices(['vlogs', 'loki']))
    .option('--logs-token <token>', 'bearer token for the log engine (or CTRLSCOPE_LOGS_TOKEN)')
    .option('--logs-user <user:password>', 'basic auth for the log engine (or CTRLSCOPE_LOGS_USER)')
    .option('--logs-tenant <id>', "tenant: Loki's X-Scope-OrgID, VictoriaLogs' AccountID[:ProjectID] (or CTRLSCOPE_LOGS_TENANT)")
    .option('--logs-page-size <n>', 'entries per request (Loki: at most its max_entries_limit_per_query, default 5000)');
}

/** The source options for the flags, or undefined without --logs-from. */
export function logEngineOptionsFrom(flags: LogEngineFlags, env: NodeJS.ProcessEnv, window: { since?: number; until?: number }): LogEngineOptions | undefined {
  if (!flags.logsFrom) {
    if (flags.query) throw new UserError('--query needs --logs-from', 'add --logs-from http://victorialogs:9428 (or a Loki URL)');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(flags.logsFrom);
  } catch {
    throw new UserError(`--logs-from '${flags.logsFrom}' is not a URL`, 'give the base URL, e.g. http://victorialogs:9428 or http://loki:3100');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`--logs-from '${flags.logsFrom}': only http and https are read`, 'give the base URL, e.g. http://loki:3100');
  if (!flags.query) {
    throw new UserError('--logs-from needs --query', `select the controller's logs, e.g. --query '{namespace="kube-system"}' (Loki) or --query 'kubernetes.pod_namespace:kube-system' (VictoriaLogs)`);
  }
  const pageSize = flags.logsPageSize === undefined ? undefined : Number(flags.logsPageSize);
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) throw new UserError(`--logs-page-size '${flags.logsPageSize}' is not a positive whole number`, 'e.g. --logs-page-size 5000');
  const token = flags.logsToken ?? env['CTRLSCOPE_LOGS_TOKEN'];
  const basicAuth = flags.logsUser ?? env['CTRLSCOPE_LOGS_USER'];
  const tenant = flags.logsTenant ?? env['CTRLSCOPE_LOGS_TENANT'];
  return {
    url: flags.logsFrom,
    query: flags.query,
    ...(flags.logsEngine ? { engine: flags.logsEngine } : {}),
    ...(window.since !== undefined ? { since: window.since } : {}),
    ...(window.until !== undefined ? { until: window.until } : {}),
    ...(token ? { token } : {}),
    ...(basicAuth ? { basicAuth } : {}),
    ...(tenant ? { tenant } : {}),
    ...(pageSize ? { pageSize } : {}),
  };
}
