/** Helpers shared by the market-data e2e suites. */
import type { Service } from '../support/service.js';

/** Polls `read` until `done` holds for its value; fails with the last value after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

export interface CandleRow {
  time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  ticks: number;
}

/** `GET /api/v1/candles` with the given query; fails unless 200. */
export async function candles(svc: Service, query: Record<string, string>): Promise<CandleRow[]> {
  const result = await svc.http('GET', `/api/v1/candles?${new URLSearchParams(query)}`);
  if (result.status !== 200) throw new Error(`GET /api/v1/candles ${JSON.stringify(query)} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.candles as CandleRow[];
}

/** The `prices` component of GET /health. */
export async function pricesHealth(svc: Service): Promise<any> {
  const result = await svc.http('GET', '/health');
  return result.body?.components?.prices;
}

/** Every audit event of the user's account (one page of up to 1000). */
export async function auditEvents(svc: Service, accountId: string, token: string): Promise<any[]> {
  const result = await svc.http('GET', `/api/v1/audit/accounts/${accountId}/events?limit=1000`, { token });
  if (result.status !== 200) throw new Error(`audit events answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.events;
}
