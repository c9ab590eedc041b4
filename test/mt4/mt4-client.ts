/** MT4 manager dialect (seed 001) helpers shared by the e2e suites. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { HttpResult, Service, TestUser } from '../support/service.js';
import { account, openOrders } from '../support/trading.js';

/** Seed 001's request body, byte for byte as its curl example sends it (login 1001 replaced by the caller's). */
export const SEED_001_BODY = `{
    "login": 1001,
    "cmd": 0,
    "volume": 100,
    "symbol": "EURUSD",
    "sl": 1.0850,
    "tp": 1.1000,
    "open_price": 1.0900,
    "comment": "Scalping order"
  }`;

export const seedBodyFor = (login: string | number) => SEED_001_BODY.replace('"login": 1001', `"login": ${login}`);

/** `POST /sign/in {login, password}`. */
export function mt4SignIn(svc: Service, login: number | string, password: string): Promise<HttpResult> {
  return svc.http('POST', '/sign/in', { body: { login: Number(login), password } });
}

/** The session token of a user's login; fails unless 200. */
export async function mt4Token(svc: Service, user: TestUser): Promise<string> {
  const result = await mt4SignIn(svc, user.accountId, user.password);
  if (result.status !== 200) throw new Error(`/sign/in answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.data.token as string;
}

/** `POST /trade/open` as the seed sends it: the raw JWT in Authorization, JSON body. */
export function openTrade(svc: Service, token: string | null, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  return svc.http('POST', '/trade/open', {
    body,
    headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { Authorization: token }), ...headers },
  });
}

/** A valid market order body for a login. */
export function marketBody(login: string | number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { login: Number(login), cmd: 0, volume: 50, symbol: 'BTCUSD', sl: 0, tp: 0, ...overrides };
}

/** Everything a refused request must leave as it was: the account summary and its open positions. */
export async function stateOf(svc: Service, user: TestUser) {
  return { account: await account(svc, user), positions: await openOrders(svc, user) };
}

export interface LoggedEvent {
  position: number;
  stream: string;
  type: string;
  data: any;
  metadata: any;
}

/** The events of one account's stream, read from the service's embedded log (the source of truth). */
export function accountEvents(svc: Service, accountId: string | number): LoggedEvent[] {
  const db = new Database(join(svc.dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[string], { position: number; stream: string; type: string; data: string; metadata: string }>(
        'SELECT position, stream, type, data, metadata FROM events WHERE stream = ? ORDER BY position',
      )
      .all(`account-${accountId}`);
    return rows.map((r) => ({ position: r.position, stream: r.stream, type: r.type, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) }));
  } finally {
    db.close();
  }
}

export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}
