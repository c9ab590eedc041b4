/**
 * Sign-up, sign-in, every accepted credential form, forged and expired tokens, and the rule that
 * nobody sees or touches another user's account ("answers as if it did not exist": 404).
 * The service runs with an explicit JWT_SECRET so the tests can sign tokens themselves.
 */
import { jest } from '@jest/globals';
import { createHmac, randomBytes } from 'node:crypto';
import { uniqueEmail, useService, type TestUser } from './support/service.js';
import { account, closedOrders, closeOrder, createOrder, DIGITS, openOrders, openPosition } from './support/trading.js';

jest.setTimeout(30_000);

const JWT_SECRET = `e2e-jwt-secret-${randomBytes(24).toString('hex')}`; // 63 bytes
const service = useService({ env: { JWT_SECRET } });

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HS256 JWT signed by hand with node:crypto. */
function signJwt(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const head = b64url(JSON.stringify(header));
  const body = b64url(JSON.stringify(payload));
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

/** The claims the service puts in its own tokens. */
function claims(user: TestUser, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: user.userId, acc: 'user', iat: now, exp: now + 3600, iss: 'tradestream', aud: 'tradestream-api', ...overrides };
}

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** GET /api/v1/trade/open with the given headers. */
function openWith(headers: Record<string, string>) {
  return service().http('GET', '/api/v1/trade/open', { headers });
}

/** Every credential-guarded read a forged token must not pass. */
async function expectRejectedEverywhere(headers: Record<string, string>, accountId: string): Promise<void> {
  const svc = service();
  for (const path of ['/api/v1/trade/open', '/api/v1/trade/closed', '/api/v1/accounts', `/api/v1/accounts/${accountId}`]) {
    const result = await svc.http('GET', path, { headers });
    expect({ path, status: result.status, body: result.body }).toEqual({ path, status: 401, body: { error: expect.any(String) } });
  }
  const create = await svc.http('POST', '/api/v1/trade/create', {
    headers,
    body: { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 },
  });
  expect({ status: create.status, body: create.body }).toEqual({ status: 401, body: { error: expect.any(String) } });
}

describe('Authentication and account isolation', () => {
  describe('a new email signs up', () => {
    it('answers 201 {userId, accountId} and opens a USD demo account with the demo balance', async () => {
      const svc = service();
      const email = uniqueEmail();

      const result = await svc.http('POST', '/api/v1/user/signup', { body: { email, password: 'long-enough-1' } });

      expect(result.status).toBe(201);
      expect(result.body).toEqual({ userId: expect.stringMatching(DIGITS), accountId: expect.stringMatching(DIGITS) });
      const token = await svc.signin(email, 'long-enough-1');
      const summary = await svc.http('GET', `/api/v1/accounts/${result.body.accountId}`, { token });
      expect(summary.status).toBe(200);
      expect(summary.body).toMatchObject({
        accountId: result.body.accountId,
        group: 'demo',
        currency: 'USD',
        leverage: 100,
        balance: 10000,
        equity: 10000,
        margin: 0,
        freeMargin: 10000,
      });
    });

    it('answers 409 {error} when the email is already registered, in any letter case', async () => {
      const svc = service();
      const user = await svc.signup();

      for (const email of [user.email, user.email.toUpperCase()]) {
        const result = await svc.http('POST', '/api/v1/user/signup', { body: { email, password: 'another-password' } });
        expect({ email, status: result.status }).toEqual({ email, status: 409 });
        expect(result.body).toEqual({ error: expect.any(String) });
      }
      // The first registration still signs in with its own password.
      expect(await svc.signin(user.email, user.password)).toEqual(expect.any(String));
    });

    it('answers 400 {error} for an invalid email, a short password or a missing field', async () => {
      const svc = service();
      const bodies = [
        { email: 'not-an-email', password: 'long-enough-1' },
        { email: '', password: 'long-enough-1' },
        { email: uniqueEmail(), password: 'short12' }, // 7 characters
        { email: uniqueEmail() },
        { password: 'long-enough-1' },
        { email: uniqueEmail(), password: 12345678 },
      ];
      for (const body of bodies) {
        const result = await svc.http('POST', '/api/v1/user/signup', { body });
        expect({ body, status: result.status }).toEqual({ body, status: 400 });
        expect(result.body).toEqual({ error: expect.any(String) });
      }
      // None of them was registered.
      const attempted = bodies[2] as { email: string };
      const signin = await svc.http('POST', '/api/v1/user/signin', { body: { email: attempted.email, password: 'short12' } });
      expect(signin.status).toBe(401);
    });
  });

  describe('a registered user signs in', () => {
    it('answers 200 {token} with an HS256 JWT for the right password', async () => {
      const svc = service();
      const user = await svc.signup();

      const result = await svc.http('POST', '/api/v1/user/signin', { body: { email: user.email, password: user.password } });

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
      expect(decodePayload(result.body.token)).toMatchObject({ sub: user.userId, iss: 'tradestream', aud: 'tradestream-api' });
    });

    it('answers 401 {error} for a wrong password or an unknown email', async () => {
      const svc = service();
      const user = await svc.signup();

      for (const body of [
        { email: user.email, password: `${user.password}x` },
        { email: uniqueEmail('nobody'), password: user.password },
      ]) {
        const result = await svc.http('POST', '/api/v1/user/signin', { body });
        expect(result.status).toBe(401);
        expect(result.body).toEqual({ error: expect.any(String) });
      }
    });
  });

  describe('a request carries valid credentials', () => {
    it('accepts the JWT as Authorization: Bearer, as a bare Authorization header and as auth-token', async () => {
      const user = await service().signup();

      const forms: Record<string, string>[] = [
        { authorization: `Bearer ${user.token}` },
        { authorization: user.token },
        { 'auth-token': user.token },
      ];
      for (const headers of forms) {
        const result = await openWith(headers);
        expect({ headers: Object.keys(headers), status: result.status }).toEqual({ headers: Object.keys(headers), status: 200 });
        expect(result.body).toEqual({ message: [] });
      }
    });

    it('accepts HTTP Basic with the email and password, and answers 401 to a wrong password', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 });
      const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`${user.email}:${password}`).toString('base64')}` });

      const good = await openWith(basic(user.password));
      const bad = await openWith(basic(`${user.password}x`));

      expect(good.status).toBe(200);
      expect(good.body.message.map((r: any) => r.orderId)).toEqual([orderId]);
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ error: expect.any(String) });
    });

    it('accepts a token signed by hand with the service secret and the service claims (control for the forgeries below)', async () => {
      const user = await service().signup();

      const result = await openWith({ authorization: `Bearer ${signJwt(claims(user), JWT_SECRET)}` });

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ message: [] });
    });
  });

  describe('credentials are missing or forged', () => {
    it('answers 401 {error} without any credentials', async () => {
      const user = await service().signup();
      await expectRejectedEverywhere({}, user.accountId);
    });

    it('answers 401 to a token whose signature was altered', async () => {
      const user = await service().signup();
      const [head, body, signature] = user.token.split('.') as [string, string, string];
      const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);

      await expectRejectedEverywhere({ authorization: `Bearer ${head}.${body}.${flipped}` }, user.accountId);
    });

    it("answers 401 to a token whose payload was changed to another user's id under the original signature", async () => {
      const svc = service();
      const victim = await svc.signup();
      const attacker = await svc.signup();
      const [head, , signature] = attacker.token.split('.') as [string, string, string];
      const payload = b64url(JSON.stringify({ ...decodePayload(attacker.token), sub: victim.userId }));

      await expectRejectedEverywhere({ authorization: `Bearer ${head}.${payload}.${signature}` }, victim.accountId);
    });

    it('answers 401 to an alg:none token carrying the real payload', async () => {
      const user = await service().signup();
      const payload = user.token.split('.')[1]!;
      const none = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;

      await expectRejectedEverywhere({ authorization: `Bearer ${none}` }, user.accountId);
      await expectRejectedEverywhere({ authorization: none }, user.accountId);
      await expectRejectedEverywhere({ 'auth-token': none }, user.accountId);
    });

    it('answers 401 to a token signed with another secret', async () => {
      const user = await service().signup();
      const foreign = signJwt(claims(user), `another-secret-${randomBytes(24).toString('hex')}`);

      await expectRejectedEverywhere({ authorization: `Bearer ${foreign}` }, user.accountId);
    });

    it('answers 401 to an expired token signed with the service secret', async () => {
      const user = await service().signup();
      const now = Math.floor(Date.now() / 1000);
      const expired = signJwt(claims(user, { iat: now - 7200, exp: now - 3600 }), JWT_SECRET);

      await expectRejectedEverywhere({ authorization: `Bearer ${expired}` }, user.accountId);
    });

    it("answers seed 002's body for an expired token on /trade/orders: 401 {error: 'Token expired or invalid'}", async () => {
      const user = await service().signup();
      const now = Math.floor(Date.now() / 1000);
      const expired = signJwt(claims(user, { iat: now - 7200, exp: now - 3600 }), JWT_SECRET);

      const result = await service().http('GET', '/api/v1/trade/orders', { token: expired });

      expect(result.status).toBe(401);
      expect(result.body).toEqual({ error: 'Token expired or invalid' });
    });

    it('answers 401 to a token with the wrong issuer or audience, or without a user id', async () => {
      const user = await service().signup();

      for (const overrides of [{ iss: 'someone-else' }, { aud: 'another-api' }, { sub: undefined }, { sub: '0' }, { sub: 'admin' }]) {
        const token = signJwt(claims(user, overrides), JWT_SECRET);
        const result = await openWith({ authorization: `Bearer ${token}` });
        expect({ overrides, status: result.status }).toEqual({ overrides, status: 401 });
        expect(result.body).toEqual({ error: expect.any(String) });
      }
    });
  });

  describe("another user's ids are used", () => {
    async function ownerWithPosition() {
      const svc = service();
      const owner = await svc.signup();
      const other = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, owner, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 });
      return { svc, owner, other, orderId };
    }

    it("answers 404 to closing another user's order, exactly as for an unknown id, and leaves it open for its owner", async () => {
      const { svc, owner, other, orderId } = await ownerWithPosition();
      const ownerBefore = { account: await account(svc, owner), open: await openOrders(svc, owner) };

      const foreign = await closeOrder(svc, other, { orderId });
      const partial = await closeOrder(svc, other, { orderId, quantity: 0.1 });
      const unknown = await closeOrder(svc, other, { orderId: '987654321' });

      expect(foreign.status).toBe(404);
      expect(partial.status).toBe(404);
      expect(foreign.body).toEqual(unknown.body);
      expect({ account: await account(svc, owner), open: await openOrders(svc, owner) }).toEqual(ownerBefore);
      expect(await closedOrders(svc, owner)).toEqual([]);
      expect(await closedOrders(svc, other)).toEqual([]);
      // The owner still closes it.
      expect((await closeOrder(svc, owner, { orderId })).status).toBe(200);
    });

    it("answers 404 to GET /accounts/:id for another user's account, exactly as for an unknown one", async () => {
      const { svc, owner, other } = await ownerWithPosition();

      const foreign = await svc.http('GET', `/api/v1/accounts/${owner.accountId}`, { token: other.token });
      const unknown = await svc.http('GET', '/api/v1/accounts/99999999', { token: other.token });

      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual(unknown.body);
      expect(foreign.body).toEqual({ error: expect.any(String) });
      const own = await svc.http('GET', '/api/v1/accounts', { token: other.token });
      expect(own.body.accounts.map((a: any) => a.accountId)).toEqual([other.accountId]);
    });

    it("answers 404 to GET /trade/open and /trade/closed with another user's accountId", async () => {
      const { svc, owner, other } = await ownerWithPosition();

      for (const path of ['/api/v1/trade/open', '/api/v1/trade/orders', '/api/v1/trade/closed', '/api/v1/trade/close']) {
        const result = await svc.http('GET', `${path}?accountId=${owner.accountId}`, { token: other.token });
        expect({ path, status: result.status, body: result.body }).toEqual({ path, status: 404, body: { error: expect.any(String) } });
        const ownAccount = await svc.http('GET', `${path}?accountId=${owner.accountId}`, { token: owner.token });
        expect(ownAccount.status).toBe(200);
      }
    });

    it("answers 404 to a create naming another user's accountId and creates nothing anywhere", async () => {
      const { svc, owner, other } = await ownerWithPosition();
      const before = {
        owner: { account: await account(svc, owner), open: await openOrders(svc, owner) },
        other: { account: await account(svc, other), open: await openOrders(svc, other) },
      };

      for (const accountId of [owner.accountId, Number(owner.accountId)]) {
        const result = await createOrder(svc, other, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10, accountId });
        expect(result.status).toBe(404);
        expect(result.body).toEqual({ error: expect.any(String) });
      }

      expect({
        owner: { account: await account(svc, owner), open: await openOrders(svc, owner) },
        other: { account: await account(svc, other), open: await openOrders(svc, other) },
      }).toEqual(before);
    });
  });

  describe('admin endpoints are called without the admin token', () => {
    it('answers 403 without x-admin-token, with a wrong one and with only a user JWT, and changes nothing', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('EURUSD', 1.1, 1.10012);
      const calls = [
        { path: '/api/v1/admin/ticks', body: { symbol: 'EURUSD', bid: 1.2, ask: 1.20012 } },
        { path: `/api/v1/admin/accounts/${user.accountId}/balance`, body: { amount: 5000, comment: 'free money' } },
      ];
      const credentials: { headers?: Record<string, string>; token?: string }[] = [
        {},
        { headers: { 'x-admin-token': 'wrong' } },
        { headers: { 'x-admin-token': `${svc.adminToken}x` } },
        { headers: { 'x-admin-token': '' } },
        { token: user.token },
      ];

      for (const { path, body } of calls) {
        for (const credential of credentials) {
          const result = await svc.http('POST', path, { body, ...credential });
          expect({ path, credential, status: result.status }).toEqual({ path, credential, status: 403 });
          expect(result.body).toEqual({ error: expect.any(String) });
        }
      }

      const prices = await svc.http('GET', '/api/v1/prices');
      expect(prices.body.prices.find((p: any) => p.symbol === 'EURUSD')).toMatchObject({ bid: 1.1, ask: 1.10012 });
      expect((await account(svc, user)).balance).toBe(10000);
    });
  });
});
