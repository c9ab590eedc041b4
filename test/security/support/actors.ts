/**
 * Users with something to protect (accounts, a position, a pending order), every credential form
 * each dialect accepts, and each dialect's error shape: shared by the access, token, fuzzing and
 * overload suites.
 */
import { randomBytes } from 'node:crypto';
import type { HttpResult } from '../../support/service.js';
import type { Dialect, RouteSpec } from './routes.js';

export interface HttpClient {
  http<T = any>(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; token?: string }): Promise<HttpResult<T>>;
}

export interface Actor {
  email: string;
  password: string;
  userId: string;
  token: string;
  /** The first account (`Main`). */
  accountId: string;
  /** A second account with a name only this user has. */
  secondAccountId: string;
  secondAccountName: string;
  /** An open BTCUSD position (market order) and a resting BUY_LIMIT far below the market, on the first account. */
  positionId: string;
  pendingOrderId: string;
}

export const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

async function ok(result: Promise<HttpResult>, what: string): Promise<any> {
  const answer = await result;
  if (answer.status >= 300) throw new Error(`${what} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Signs a user up with a password of its own and gives them two accounts, a position and a pending order. BTCUSD must have a price. */
export async function createActor(svc: HttpClient, label: string): Promise<Actor> {
  const tag = randomBytes(4).toString('hex');
  const email = `${label}.${process.pid}.${tag}@example.com`;
  const password = `pw-${label}-${randomBytes(9).toString('base64url')}`;
  const created = await ok(svc.http('POST', '/api/v1/user/signup', { body: { email, password } }), `signup ${email}`);
  const { token } = await ok(svc.http('POST', '/api/v1/user/signin', { body: { email, password } }), `signin ${email}`);
  const secondAccountName = `${label}-vault-${tag}`;
  const second = await ok(svc.http('POST', '/api/v1/accounts', { token, body: { name: secondAccountName } }), 'open account');
  const position = await ok(
    svc.http('POST', '/api/v1/trade/create', { token, body: { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 } }),
    'create order',
  );
  const pending = await ok(
    svc.http('POST', `/users/current/accounts/${created.accountId}/trade`, {
      headers: { 'auth-token': token },
      body: { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'BTCUSD', volume: 0.01, openPrice: 1000 },
    }),
    'pending order',
  );
  if (!['TRADE_RETCODE_PLACED', 'TRADE_RETCODE_DONE'].includes(pending.stringCode) || !pending.orderId) throw new Error(`pending order answered ${JSON.stringify(pending)}`);
  return {
    email,
    password,
    userId: String(created.userId),
    token,
    accountId: String(created.accountId),
    secondAccountId: String(second.accountId),
    secondAccountName,
    positionId: String(position.orderId),
    pendingOrderId: String(pending.orderId),
  };
}

/** One way of presenting credentials. */
export interface AuthForm {
  name: string;
  headers: Record<string, string>;
}

/** Every form a JWT is accepted in by a dialect (Hummingbot takes HTTP Basic only). */
export function tokenForms(dialect: Dialect, token: string): AuthForm[] {
  if (dialect === 'hummingbot') return [{ name: 'bearer (not accepted by Hummingbot)', headers: { authorization: `Bearer ${token}` } }];
  return [
    { name: 'Authorization: Bearer', headers: { authorization: `Bearer ${token}` } },
    { name: 'Authorization: <jwt>', headers: { authorization: token } },
    { name: 'auth-token', headers: { 'auth-token': token } },
  ];
}

/** Every credential form of an actor a route of this dialect accepts. */
export function userForms(dialect: Dialect, actor: Pick<Actor, 'email' | 'password' | 'token'>): AuthForm[] {
  const basicForm = { name: 'Basic', headers: { authorization: basic(actor.email, actor.password) } };
  if (dialect === 'hummingbot') return [basicForm];
  if (dialect === 'mt4') return tokenForms(dialect, actor.token);
  return [...tokenForms(dialect, actor.token), basicForm];
}

/** Whether an error answer has its dialect's shape. */
export function hasErrorShape(dialect: Dialect, status: number, body: any): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  switch (dialect) {
    case 'metaapi':
      return body.id === 1 && typeof body.error === 'string' && typeof body.message === 'string';
    case 'mt4':
      return typeof body.error === 'string' && /^[A-Z_]+$/.test(body.error) && typeof body.message === 'string';
    case 'hummingbot':
      // FastAPI: `{detail: "..."}` (HTTPException, any status) or, for validation, `{detail: [{type, loc, msg}]}`.
      if (Array.isArray(body.detail)) return body.detail.length > 0 && body.detail.every((d: any) => Array.isArray(d?.loc) && typeof d?.msg === 'string' && typeof d?.type === 'string');
      return typeof body.detail === 'string';
    default:
      return typeof body.error === 'string';
  }
}

/** The error shape a dialect uses, in words (for failure messages). */
export const ERROR_SHAPE: Record<Dialect, string> = {
  'api-v1': '{error}',
  metaapi: '{id, error, message}',
  mt4: '{error: CODE, message}',
  hummingbot: '{detail: [{type, loc, msg}]} or {detail}',
  system: '{error}',
};

/** A path template with its parameters filled in (values URL-encoded). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${template}`);
    return encodeURIComponent(value);
  });
}

/** Values for path parameters that name no one's property (symbols, timeframes, times, the connector). */
export const NEUTRAL_PATH_VALUES: Record<string, string> = {
  symbol: 'BTCUSD',
  timeframe: '1m',
  startTime: '2020-01-01T00:00:00.000Z',
  endTime: '2100-01-01T00:00:00.000Z',
  connector_name: 'tradestream',
  file: 'index.html',
};

/** The actor's own values for the parameters that name an account, order, position or login. */
export function ownValues(actor: Actor): Record<string, string> {
  return {
    accountId: actor.accountId,
    login: actor.accountId,
    accounts: actor.accountId,
    account_name: 'Main',
    account_names: 'Main',
    positionId: actor.positionId,
    orderId: actor.pendingOrderId,
    client_order_id: actor.pendingOrderId,
  };
}

/** Which documented routes a user's credentials reach (their dialect's forms). */
export const userRoutes = (routes: RouteSpec[]) => routes.filter((r) => r.auth === 'user' || r.auth === 'user-or-admin');
