/**
 * Bad tokens against every route that takes a user's credentials, in every form its dialect accepts
 * (the route list comes from /docs-json, not from this file): alg none, other algorithms (HS512,
 * RS256-shaped), a tampered signature or payload, expired, not yet valid (nbf), wrong issuer or
 * audience, another secret, no expiry, a user that does not exist, garbage, and the token of a
 * signed-out session. Every one answers 401 in the dialect's shape, and nothing is done.
 *
 * Also: sign-out (POST /api/v1/user/signout) revokes only the session signed out, survives a
 * restart, and the streams refuse its token; failed sign-ins are limited per account and per IP.
 */
import { jest } from '@jest/globals';
import { createHmac, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { recordChaosMetrics } from '../support/chaos-metrics.js';
import { Service, useService } from '../support/service.js';
import { createActor, fillPath, hasErrorShape, NEUTRAL_PATH_VALUES, ownValues, tokenForms, userRoutes, type Actor } from './support/actors.js';
import { documentedRoutes, type RouteSpec } from './support/routes.js';

jest.setTimeout(60_000);

const JWT_SECRET = `auth-e2e-${randomBytes(24).toString('hex')}`;
const service = useService({ env: { JWT_SECRET, RATE_LIMIT_USER_RPS: '100000', RATE_LIMIT_USER_BURST: '100000' } });

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const sign = (algorithm: 'sha256' | 'sha512', secret: string, data: string) => createHmac(algorithm, secret).update(data).digest('base64url');

function jwt(payload: Record<string, unknown>, options: { alg?: string; secret?: string; hmac?: 'sha256' | 'sha512'; signature?: string } = {}): string {
  const head = b64url(JSON.stringify({ alg: options.alg ?? 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const signature = options.signature ?? sign(options.hmac ?? 'sha256', options.secret ?? JWT_SECRET, `${head}.${body}`);
  return `${head}.${body}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (userId: string, extra: Record<string, unknown> = {}) => ({
  sub: userId,
  acc: 'user',
  sid: `hand-made-${randomBytes(6).toString('hex')}`,
  iat: now(),
  exp: now() + 3600,
  iss: 'tradestream',
  aud: 'tradestream-api',
  ...extra,
});

/** Every kind of bad token, for one victim. */
function badTokens(victim: Actor, signedOut: string): Record<string, string> {
  const real = victim.token;
  const [head, payload, signature] = real.split('.') as [string, string, string];
  const flipped = signature.slice(0, 5) + (signature[5] === 'A' ? 'B' : 'A') + signature.slice(6);
  const none = (alg: string) => `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${payload}.`;
  const { exp: _exp, ...withoutExp } = claims(victim.userId);
  return {
    'alg none': none('none'),
    'alg None': none('None'),
    'alg NONE with the real signature': `${none('NONE')}${signature}`,
    'HS512 with the service secret': jwt(claims(victim.userId), { alg: 'HS512', hmac: 'sha512' }),
    'RS256 header, HMAC-signed with the secret (key confusion)': jwt(claims(victim.userId), { alg: 'RS256' }),
    'ES256 header': jwt(claims(victim.userId), { alg: 'ES256' }),
    'tampered signature': `${head}.${payload}.${flipped}`,
    'signature removed': `${head}.${payload}.`,
    "payload changed to another user's id": `${head}.${b64url(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: String(Number(victim.userId) + 1) }))}.${signature}`,
    expired: jwt(claims(victim.userId, { iat: now() - 7200, exp: now() - 60 })),
    'not yet valid (nbf in an hour)': jwt(claims(victim.userId, { nbf: now() + 3600 })),
    'wrong issuer': jwt(claims(victim.userId, { iss: 'someone-else' })),
    'wrong audience': jwt(claims(victim.userId, { aud: 'another-api' })),
    'another secret': jwt(claims(victim.userId), { secret: `not-the-secret-${randomBytes(16).toString('hex')}` }),
    'no expiry': jwt(withoutExp),
    'a user that does not exist': jwt(claims('987654321')),
    'sub not a number': jwt(claims('admin')),
    'malformed session id': jwt(claims(victim.userId, { sid: '../../etc' })),
    garbage: 'not.a.token',
    'empty segments': '..',
    'signed-out session': signedOut,
  };
}

/** A request that a valid token gets past authentication with: a GET, or a POST with an unknown field (refused by validation, never applied). */
function probe(route: RouteSpec, actor: Actor): { method: string; path: string; body?: unknown } {
  const path = fillPath(route.path, { ...NEUTRAL_PATH_VALUES, ...ownValues(actor) });
  return route.method === 'GET' ? { method: 'GET', path } : { method: route.method, path, body: { 'not-a-field': 1 } };
}

describe('a service whose users hold tokens, positions and pending orders', () => {
  let routes: RouteSpec[];
  let victim: Actor;

  beforeAll(async () => {
    const svc = service();
    await svc.tick('BTCUSD', 42000, 42010);
    routes = userRoutes(await documentedRoutes(svc)).filter((r) => r.path !== '/api/v1/user/signout');
    victim = await createActor(svc, 'victim');
  });

  describe('every user route is called with a bad token in every form its dialect accepts', () => {
    it('answers 401 in the dialect’s error shape every time, and a valid token passes the same calls (control)', async () => {
      const svc = service();
      const session = await svc.signin(victim.email, victim.password);
      expect((await svc.http('POST', '/api/v1/user/signout', { token: session })).status).toBe(200);
      const bad = badTokens(victim, session);
      const headBefore = (await svc.http('GET', '/health')).body.components.log.head;

      const accepted: string[] = [];
      const misshapen: string[] = [];
      const controlRefused: string[] = [];
      let calls = 0;
      for (const route of routes) {
        const { method, path, body } = probe(route, victim);
        // Control: the victim's own valid token gets past authentication on this route (Hummingbot: Basic only).
        if (route.dialect !== 'hummingbot') {
          const control = await svc.http(method, path, { body, headers: { authorization: `Bearer ${victim.token}` } });
          if (control.status === 401 || control.status === 403 || control.status >= 500) controlRefused.push(`${method} ${path}: ${control.status}`);
        }
        for (const [kind, token] of Object.entries(bad)) {
          for (const form of tokenForms(route.dialect, token)) {
            calls += 1;
            const result = await svc.http(method, path, { body, headers: form.headers });
            const where = `${kind} as ${form.name} on ${method} ${path}`;
            if (result.status !== 401) accepted.push(`${where}: ${result.status} ${JSON.stringify(result.body).slice(0, 120)}`);
            else if (!hasErrorShape(route.dialect, result.status, result.body)) misshapen.push(`${where}: ${JSON.stringify(result.body)}`);
          }
        }
      }
      // The streams take tokens in the query string too.
      for (const [kind, token] of Object.entries(bad)) {
        calls += 1;
        const sse = await svc.http('GET', `/api/v1/stream/sse?token=${encodeURIComponent(token)}`);
        if (sse.status !== 401) accepted.push(`${kind} on the SSE stream: ${sse.status}`);
      }

      recordChaosMetrics('auth', { bad_token_calls: calls, bad_tokens_accepted: accepted.length, bad_token_kinds: Object.keys(bad).length, token_routes: routes.length });
      expect(controlRefused).toEqual([]);
      expect(accepted).toEqual([]);
      expect(misshapen).toEqual([]);
      expect(calls).toBeGreaterThan(500);
      // Nothing was done on the way: the log did not move.
      expect((await svc.http('GET', '/health')).body.components.log.head).toBe(headBefore);
    });
  });

  describe('a token signed by hand with the service secret and the service claims', () => {
    it('is accepted (the control for the forgeries above), also with nbf in the past and without a sid', async () => {
      const svc = service();
      const { sid: _sid, ...withoutSid } = claims(victim.userId);
      for (const token of [jwt(claims(victim.userId)), jwt(claims(victim.userId, { nbf: now() - 60 })), jwt(withoutSid)]) {
        const result = await svc.http('GET', '/api/v1/accounts', { token });
        expect(result.status).toBe(200);
      }
    });
  });

  describe('a user signs out one of two sessions', () => {
    let user: Actor;
    let signedOut: string;
    let other: string;

    beforeAll(async () => {
      const svc = service();
      user = await createActor(svc, 'leaver');
      signedOut = await svc.signin(user.email, user.password);
      other = await svc.signin(user.email, user.password);
    });

    it('answers 200, and from then on that token is 401 in every dialect while the other session still works', async () => {
      const svc = service();
      expect((await svc.http('GET', '/api/v1/accounts', { token: signedOut })).status).toBe(200);

      const result = await svc.http('POST', '/api/v1/user/signout', { token: signedOut });
      expect({ status: result.status, body: result.body }).toEqual({ status: 200, body: { message: 'Signed out' } });

      const calls = [
        () => svc.http('GET', '/api/v1/accounts', { token: signedOut }),
        () => svc.http('GET', '/api/v1/trade/open', { headers: { 'auth-token': signedOut } }),
        () => svc.http('POST', '/api/v1/trade/create', { headers: { authorization: signedOut }, body: { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 } }),
        () => svc.http('GET', `/users/current/accounts/${user.accountId}/positions`, { headers: { 'auth-token': signedOut } }),
        () => svc.http('POST', '/trade/open', { headers: { authorization: signedOut }, body: { login: Number(user.accountId), cmd: 0, volume: 1, symbol: 'BTCUSD', sl: 0, tp: 0 } }),
        () => svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events`, { token: signedOut }),
        () => svc.http('POST', '/api/v1/user/signout', { token: signedOut }),
      ];
      for (const call of calls) expect((await call()).status).toBe(401);
      expect((await svc.http('GET', '/api/v1/accounts', { token: signedOut })).body).toEqual({ error: 'Token revoked: the session was signed out' });
      expect((await svc.http('GET', '/api/v1/accounts', { token: other })).status).toBe(200);
      expect((await svc.http('GET', '/api/v1/trade/open', { token: signedOut })).status).toBe(401);
    });

    it('refuses the token on the WebSocket and SSE streams (4001 / 401)', async () => {
      const svc = service();
      const sse = await svc.http('GET', `/api/v1/stream/sse?token=${signedOut}`);
      expect({ status: sse.status, body: sse.body }).toEqual({ status: 401, body: { error: 'Token revoked: the session was signed out' } });

      const code = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${svc.baseUrl.replace('http', 'ws')}/api/v1/stream?token=${signedOut}`);
        ws.on('close', (closeCode) => resolve(closeCode));
        ws.on('error', reject);
      });
      expect(code).toBe(4001);
    });

    it('closes a stream the session opened before it signed out (4001), and leaves the other session’s stream open', async () => {
      const svc = service();
      const [leaving, staying] = [await svc.signin(user.email, user.password), await svc.signin(user.email, user.password)];
      const open = (token: string) =>
        new Promise<{ ws: WebSocket; closed: Promise<{ code: number; messages: string[] }> }>((resolve, reject) => {
          const ws = new WebSocket(`${svc.baseUrl.replace('http', 'ws')}/api/v1/stream?token=${token}`);
          const messages: string[] = [];
          const closed = new Promise<{ code: number; messages: string[] }>((done) => ws.on('close', (code) => done({ code, messages })));
          ws.on('message', (data) => {
            messages.push(String(data));
            if (messages.length === 1) resolve({ ws, closed });
          });
          ws.on('error', reject);
        });
      const first = await open(leaving);
      const second = await open(staying);

      expect((await svc.http('POST', '/api/v1/user/signout', { token: leaving })).status).toBe(200);

      const { code, messages } = await first.closed;
      expect(code).toBe(4001);
      expect(messages.some((m) => m.includes('signed out'))).toBe(true);
      expect(second.ws.readyState).toBe(WebSocket.OPEN);
      second.ws.close();
    });

    it('still refuses the token after a restart (sessions are kept in DATA_DIR), and keeps the other session', async () => {
      const svc = service();
      await svc.restart();
      expect((await svc.http('GET', '/api/v1/accounts', { token: signedOut })).status).toBe(401);
      expect((await svc.http('GET', '/api/v1/accounts', { token: other })).status).toBe(200);
    });

    it('answers 400 to a sign-out with HTTP Basic credentials (they have no session) and signs nothing out', async () => {
      const svc = service();
      const result = await svc.http('POST', '/api/v1/user/signout', { headers: { authorization: `Basic ${Buffer.from(`${user.email}:${user.password}`).toString('base64')}` } });
      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: expect.stringContaining('Basic') });
      expect((await svc.http('GET', '/api/v1/accounts', { token: other })).status).toBe(200);
    });
  });
});

describe('one address keeps failing to sign in', () => {
  const limited = useService({ env: { SIGNIN_FAILURES_PER_MINUTE: '5' } });

  it('are limited per IP across accounts: after 20 failures on different emails even a right password waits (429 with Retry-After)', async () => {
    const svc: Service = limited();
    const user = await svc.signup();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      const result = await svc.http('POST', '/api/v1/user/signin', { body: { email: `nobody-${i}.${randomBytes(3).toString('hex')}@example.com`, password: 'wrong-password' } });
      statuses.push(result.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    const right = await svc.http('POST', '/api/v1/user/signin', { body: { email: user.email, password: user.password } });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    // MT4's sign-in and HTTP Basic share the limit.
    const mt4 = await svc.http('POST', '/sign/in', { body: { login: Number(user.accountId), password: user.password } });
    expect(mt4.status).toBe(429);
    expect(mt4.body).toEqual({ error: 'TOO_MANY_REQUESTS', message: expect.any(String) });
  });
});
