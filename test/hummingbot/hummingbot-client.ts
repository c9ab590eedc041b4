/** Hummingbot dialect (seed 003) helpers shared by the e2e suites. */
import type { HttpResult, Service, TestUser } from '../support/service.js';

/** The seed's number pattern for decimal strings (amount, price). */
export const SEED_DECIMAL = /^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$/;

/** Seed 003's request body as its curl example sends it, the `<string>` placeholders filled in. */
export function seedBody(accountName = 'Main', tradingPair = 'BTC-USD'): string {
  return `
{
  "account_name": "${accountName}",
  "connector_name": "tradestream",
  "trading_pair": "${tradingPair}",
  "trade_type": "BUY",
  "amount": 1,
  "order_type": "LIMIT",
  "price": 123,
  "position_action": "OPEN"
}
`;
}

/** `Authorization: Basic <base64 email:password>`. */
export const basic = (user: Pick<TestUser, 'email' | 'password'>) => `Basic ${Buffer.from(`${user.email}:${user.password}`).toString('base64')}`;

export function placeTrade(svc: Service, authorization: string | null, body: unknown): Promise<HttpResult> {
  return svc.http('POST', '/trading/orders', {
    body,
    headers: { 'Content-Type': 'application/json', ...(authorization === null ? {} : { Authorization: authorization }) },
  });
}

/** A MARKET OPEN body on the user's `Main` account. */
export function marketOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account_name: 'Main',
    connector_name: 'tradestream',
    trading_pair: 'BTC-USD',
    trade_type: 'BUY',
    amount: 0.5,
    order_type: 'MARKET',
    position_action: 'OPEN',
    ...overrides,
  };
}

export async function positions(svc: Service, user: TestUser): Promise<any[]> {
  const result = await svc.http('GET', '/trading/positions', { headers: { Authorization: basic(user) } });
  if (result.status !== 200) throw new Error(`GET /trading/positions answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.data;
}

export async function activeOrders(svc: Service, user: TestUser): Promise<any[]> {
  const result = await svc.http('GET', '/trading/orders/active', { headers: { Authorization: basic(user) } });
  if (result.status !== 200) throw new Error(`GET /trading/orders/active answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.data;
}
