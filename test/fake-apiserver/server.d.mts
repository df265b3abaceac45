// Types of the fake apiserver (server.mjs).
import type { Server } from 'node:http';

/** A resource type the fake serves. */
export interface FakeResource {
  group?: string;
  version: string;
  resource: string;
  kind: string;
  namespaced?: boolean;
}

/** One request the fake received (for the read-only audit). */
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  userAgent?: string;
}

export type WatchFault =
  | { kind: 'gone' | 'drop'; afterEvents?: number }
  | { kind: 'hang' | 'headersHang' | 'http410' | 'http500' }
  | { kind: 'huge'; bytes?: number };
export type ListFault = ({ kind: 'gone'; page: number } | { kind: 'http500' } | { kind: 'hang' }) & { persistent?: boolean };

/** A fake object: anything with metadata.name. */
export type FakeObject = { metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

export interface LogLine {
  time: string;
  text: string;
}

export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export class FakeApiServer {
  constructor(opts?: { bookmarkIntervalMs?: number; maxPageSize?: number; keepHistory?: boolean });
  url: string;
  rv: number;
  server: Server;
  requests: FakeRequest[];
  forbidden: Set<string>;
  forbiddenUnpredicted: Set<string>;
  metricsText: string;
  promSeries: PromSeries[];
  bookmarkIntervalMs: number;
  maxPageSize: number;
  addResource(r: FakeResource): string;
  create(resource: string, obj: FakeObject, group?: string): FakeObject & { metadata: { uid: string; resourceVersion: string } };
  update(resource: string, namespace: string | undefined, name: string, patch: Record<string, unknown>, group?: string): FakeObject;
  delete(resource: string, namespace: string | undefined, name: string, group?: string): void;
  compact(resource?: string): void;
  restoreTo(rv: number): void;
  /** Every request is accepted and never answered. */
  hangAll?: boolean;
  injectWatchFault(resource: string, fault: WatchFault): void;
  injectListFault(resource: string, fault: ListFault): void;
  setLog(namespace: string, pod: string, container: string, lines: LogLine[]): void;
  appendLog(namespace: string, pod: string, container: string, line: LogLine): void;
  injectLogFault(namespace: string, pod: string, container: string, fault: { kind: 'drop'; afterLines?: number }): void;
  bookmark(): void;
  silently(fn: () => void): void;
  dropAll(): void;
  start(): Promise<string>;
  close(): Promise<void>;
  kubeconfig(namespace?: string): Record<string, unknown>;
  kubeconfigYaml(namespace?: string): string;
}

export const DEFAULT_RESOURCES: FakeResource[];
