/** Small `/api/v1` client helpers shared by the e2e suites. */
import type { HttpResult, Service, TestUser } from './service.js';

/** The fields of an open-order row in seed 002. */
export const SEED_OPEN_FIELDS = [
  'orderId',
  'symbol',
  'type',
  'quantity',
  'leverage',
  'openPrice',
  'currentPrice',
  'profit',
  'takeProfit',
  'stopLoss',
  'openTime',
  'status',
] as const;

/** A closed-history row: the open fields plus the close (API.md). */
export const CLOSED_FIELDS = [...SEED_OPEN_FIELDS, 'closePrice', 'closeTime', 'closeReason'] as const;

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const DIGITS = /^[1-9]\d*$/;

export interface OrderBody {
  symbol?: unknown;
  type?: unknown;
  quantity?: unknown;
  leverage?: unknown;
  slippage?: unknown;
  takeProfit?: unknown;
  stopLoss?: unknown;
  accountId?: unknown;
  [extra: string]: unknown;
}

export function createOrder(svc: Service, user: TestUser | string, body: OrderBody | string): Promise<HttpResult> {
  return svc.http('POST', '/api/v1/trade/create', { token: tokenOf(user), body });
}

/** Creates an order and returns its id; fails with the answer when it is not a 200. */
export async function openPosition(svc: Service, user: TestUser, body: OrderBody): Promise<string> {
  const result = await createOrder(svc, user, body);
  if (result.status !== 200) throw new Error(`create ${JSON.stringify(body)} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.orderId as string;
}

export function closeOrder(svc: Service, user: TestUser | string, body: Record<string, unknown>): Promise<HttpResult> {
  return svc.http('POST', '/api/v1/trade/close', { token: tokenOf(user), body });
}

/** `GET /api/v1/trade/open` rows; fails unless 200. */
export async function openOrders(svc: Service, user: TestUser, path = '/api/v1/trade/open'): Promise<any[]> {
  const result = await svc.http('GET', path, { token: user.token });
  if (result.status !== 200) throw new Error(`GET ${path} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.message;
}

/** `GET /api/v1/trade/closed` rows (newest first); fails unless 200. */
export async function closedOrders(svc: Service, user: TestUser, path = '/api/v1/trade/closed'): Promise<any[]> {
  const result = await svc.http('GET', path, { token: user.token });
  if (result.status !== 200) throw new Error(`GET ${path} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.message;
}

/** `GET /api/v1/accounts/:id` of the user's first account; fails unless 200. */
export async function account(svc: Service, user: TestUser): Promise<any> {
  const result = await svc.http('GET', `/api/v1/accounts/${user.accountId}`, { token: user.token });
  if (result.status !== 200) throw new Error(`GET account ${user.accountId} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

/** Only the named fields of a row (to compare a row with the seed's shape). */
export function pick<T extends Record<string, unknown>>(row: T, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, row[f]]));
}

function tokenOf(user: TestUser | string): string {
  return typeof user === 'string' ? user : user.token;
}
