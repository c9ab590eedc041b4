/**
 * Secrets and defaults:
 * - NODE_ENV=production without JWT_SECRET signs with a secret generated for this installation and
 *   kept in DATA_DIR (owner-only), never a built-in constant; a short JWT_SECRET stops the start;
 * - without ADMIN_TOKEN every admin endpoint (from the route list) answers 403 whatever token is sent;
 * - with LOG_LEVEL=debug, a session of sign-ups, sign-ins (good and failed), trades with Bearer, raw
 *   Authorization, auth-token, Basic, MT4 and the stream leaves no password, token, Basic credential,
 *   admin token or password hash in the process's output.
 */
import { jest } from '@jest/globals';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Service, useService } from '../support/service.js';
import { basic, createActor, hasErrorShape } from './support/actors.js';
import { documentedRoutes, type RouteSpec } from './support/routes.js';

jest.setTimeout(60_000);

const b64url = (value: string) => Buffer.from(value).toString('base64url');
function signWith(secret: string, userId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub: userId, acc: 'user', sid: `s-${randomBytes(6).toString('hex')}`, iat: now, exp: now + 600, iss: 'tradestream', aud: 'tradestream-api' }));
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

/** Secrets a careless default might use. */
const WELL_KNOWN_SECRETS = ['secret', 'changeme', 'change-me', 'tradestream', 'tradestream-secret', 'jwt-secret', 'jwt_secret', 'default', 'dev', 'development', 'test', 'your-256-bit-secret', 'supersecret', 'super-secret-key', 'keyboard cat', '0'.repeat(32), 'x'.repeat(32)];

describe('two installations run with NODE_ENV=production and no JWT_SECRET', () => {
  const first = useService({ env: { NODE_ENV: 'production' } });
  const second = useService({ env: { NODE_ENV: 'production' } });

  it('each generates a secret of its own in DATA_DIR: at least 32 random bytes, readable by the owner only', () => {
    const secrets = [first(), second()].map((svc) => {
      const file = join(svc.dataDir, 'jwt-secret');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      return readFileSync(file, 'utf8').trim();
    });
    for (const secret of secrets) expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(secrets[0]).not.toBe(secrets[1]);
    for (const known of WELL_KNOWN_SECRETS) expect(secrets).not.toContain(known);
  });

  it('signs with that secret: its own tokens and tokens signed with the file pass, the other installation’s and well-known secrets do not', async () => {
    const [a, b] = [first(), second()];
    const userA = await a.signup();
    const userB = await b.signup();
    expect(userA.userId).toBe(userB.userId); // the same user id in both: only the secret tells the tokens apart
    const secretA = readFileSync(join(a.dataDir, 'jwt-secret'), 'utf8').trim();

    expect((await a.http('GET', '/api/v1/accounts', { token: userA.token })).status).toBe(200);
    expect((await a.http('GET', '/api/v1/accounts', { token: signWith(secretA, userA.userId) })).status).toBe(200);
    expect((await b.http('GET', '/api/v1/accounts', { token: userA.token })).status).toBe(401);
    expect((await b.http('GET', '/api/v1/accounts', { token: signWith(secretA, userB.userId) })).status).toBe(401);
    for (const known of WELL_KNOWN_SECRETS) {
      const result = await a.http('GET', '/api/v1/accounts', { token: signWith(known, userA.userId) });
      expect({ known, status: result.status }).toEqual({ known, status: 401 });
    }
  });

  it('keeps its secret across a restart: a token issued before still works', async () => {
    const a = first();
    const user = await a.signup();
    const before = readFileSync(join(a.dataDir, 'jwt-secret'), 'utf8');
    await a.restart();
    expect(readFileSync(join(a.dataDir, 'jwt-secret'), 'utf8')).toBe(before);
    expect((await a.http('GET', '/api/v1/accounts', { token: user.token })).status).toBe(200);
  });
});

describe('a JWT_SECRET shorter than 32 bytes is configured', () => {
  it('stops the start with a message naming JWT_SECRET', async () => {
    await expect(Service.start({ env: { JWT_SECRET: 'too-short-secret', NODE_ENV: 'production' } })).rejects.toThrow(/JWT_SECRET must be at least 32 bytes/);
  });
});

describe('the service runs without ADMIN_TOKEN', () => {
  const service = useService({ env: { ADMIN_TOKEN: '' } });
  let adminRoutes: RouteSpec[];

  beforeAll(async () => {
    adminRoutes = (await documentedRoutes(service())).filter((r) => r.auth === 'admin' || r.auth === 'user-or-admin');
  });

  it('answers every admin endpoint 403 whatever x-admin-token is sent, and changes nothing', async () => {
    const svc = service();
    const user = await svc.signup();
    const head = (await svc.http('GET', '/health')).body.components.log.head;
    const tokens = ['', 'undefined', 'null', 'admin', svc.adminToken, user.token, 'x'.repeat(300)];
    const answered: string[] = [];
    for (const route of adminRoutes) {
      const path = route.path.replace('{accountId}', user.accountId);
      const body = route.method === 'GET' ? undefined : route.examples[0] ?? {};
      for (const token of [...tokens, undefined]) {
        const headers: Record<string, string> = token === undefined ? {} : { 'x-admin-token': token };
        const result = await svc.http(route.method, path, { body, headers });
        // Audit routes also take a user's credentials: without any, 401; with an admin token, 403.
        const expected = route.auth === 'user-or-admin' && token === undefined ? 401 : 403;
        if (result.status !== expected || !hasErrorShape('api-v1', result.status, result.body)) answered.push(`${route.method} ${path} x-admin-token=${JSON.stringify(token)}: ${result.status} ${JSON.stringify(result.body)}`);
      }
    }
    const stream = await svc.http('GET', `/api/v1/stream/sse?adminToken=${encodeURIComponent(svc.adminToken)}`);
    expect(stream.status).toBe(403);
    expect(answered).toEqual([]);
    expect(adminRoutes.filter((r) => r.auth === 'admin').length).toBeGreaterThanOrEqual(7);
    expect((await svc.http('GET', '/health')).body.components.log.head).toBe(head);
    expect(JSON.stringify((await svc.http('GET', '/api/v1/prices')).body.prices)).toBe('[]');
  });
});

describe('the service logs at debug level while users sign up, sign in, trade and fail to sign in', () => {
  const service = useService({ env: { LOG_LEVEL: 'debug' }, outputLimit: Number.POSITIVE_INFINITY });

  it('never writes a password, a token, a Basic credential, the admin token or a password hash to its output', async () => {
    const svc = service();
    await svc.tick('BTCUSD', 42000, 42010);
    const actor = await createActor(svc, 'logged');
    const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
    const mt4Token = (await svc.http('POST', '/sign/in', { body: { login: Number(actor.accountId), password: actor.password } })).body.data.token as string;
    const order = { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 };
    const calls: [string, string, { body?: unknown; headers?: Record<string, string> }][] = [
      ['POST', '/api/v1/trade/create', { body: order, headers: { authorization: `Bearer ${actor.token}` } }],
      ['POST', '/api/v1/trade/create', { body: order, headers: { authorization: actor.token } }],
      ['POST', '/api/v1/trade/create', { body: order, headers: { 'auth-token': actor.token } }],
      ['POST', '/api/v1/trade/create', { body: order, headers: { authorization: basic(actor.email, actor.password) } }],
      ['GET', '/api/v1/trade/open', { headers: { authorization: basic(actor.email, wrongPassword) } }],
      ['POST', `/users/current/accounts/${actor.accountId}/trade`, { body: { actionType: 'ORDER_TYPE_BUY', symbol: 'BTCUSD', volume: 0.01 }, headers: { 'auth-token': actor.token } }],
      ['POST', '/trade/open', { body: { login: Number(actor.accountId), cmd: 0, volume: 1, symbol: 'BTCUSD', sl: 0, tp: 0 }, headers: { authorization: mt4Token } }],
      ['POST', '/trading/orders', { body: { account_name: 'Main', connector_name: 'tradestream', trading_pair: 'BTC-USD', trade_type: 'BUY', amount: 0.01, order_type: 'MARKET' }, headers: { authorization: basic(actor.email, actor.password) } }],
      ['POST', '/trading/orders', { body: {}, headers: { authorization: basic(actor.email, wrongPassword) } }],
      ['POST', '/api/v1/user/signin', { body: { email: actor.email, password: wrongPassword } }],
      ['POST', '/sign/in', { body: { login: Number(actor.accountId), password: wrongPassword } }],
      ['POST', '/api/v1/user/signup', { body: { email: actor.email, password: actor.password } }],
      ['GET', `/api/v1/stream/sse?token=${actor.token}&accounts=${actor.accountId}&from=999999999`, {}],
      ['POST', '/api/v1/admin/accounts/99999999/balance', { body: { amount: 1 }, headers: { 'x-admin-token': svc.adminToken } }],
      ['POST', '/api/v1/trade/create', { body: '{"broken json', headers: { authorization: `Bearer ${actor.token}` } }],
      ['POST', '/api/v1/user/signout', { headers: { authorization: `Bearer ${actor.token}` } }],
      ['GET', '/api/v1/accounts', { headers: { authorization: `Bearer ${actor.token}` } }],
    ];
    const statuses: number[] = [];
    for (const [method, path, options] of calls) statuses.push((await svc.http(method, path, options)).status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    // Let the last lines reach the pipe.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const output = svc.logs;
    const secrets: Record<string, string> = {
      password: actor.password,
      'wrong password': wrongPassword,
      token: actor.token,
      "token's signature": actor.token.split('.')[2]!,
      'MT4 session token': mt4Token,
      'Basic credentials': basic(actor.email, actor.password).slice('Basic '.length),
      'Basic credentials with the wrong password': basic(actor.email, wrongPassword).slice('Basic '.length),
      'admin token': svc.adminToken,
    };
    expect(output.length).toBeGreaterThan(1_000); // debug output was captured
    expect(Object.entries(secrets).filter(([, secret]) => output.includes(secret)).map(([name]) => name)).toEqual([]);
    expect(output).not.toMatch(/\$argon2id\$/);
  });
});
