export interface FakeLoki {
  url: string;
  requests: { method: string; path: string; params: Record<string, string>; headers: Record<string, string | string[] | undefined> }[];
  push(labels: Record<string, string>, values: [string | bigint, string][]): void;
  close(): Promise<void>;
}
export function startFakeLoki(options?: { maxEntries?: number; maxQueryLengthNs?: bigint; authEnabled?: boolean; token?: string }): Promise<FakeLoki>;
export function parseLogQL(q: string): unknown;
