/**
 * MT4 manager dialect (seed 001) against the running service: `/sign/in` and `/trade/open` sent as
 * the seed sends them (the raw JWT in Authorization), the seed's error codes and statuses, the two
 * access types (a user's own logins; a manager's groups), and managers created by the admin.
 * Prices come only from the admin tick endpoint (PRICE_FEED=manual).
 */
import { jest } from '@jest/globals';
import { uniqueEmail, useService, type Service, type TestUser } from '../support/service.js';
import { DIGITS, openOrders } from '../support/trading.js';
import { activeOrders, basic } from '../hummingbot/hummingbot-client.js';
import { accountEvents, jwtPayload, marketBody, mt4SignIn, mt4Token, openTrade, seedBodyFor, stateOf } from './mt4-client.js';

jest.setTimeout(30_000);

const service = useService();

const EURUSD = { symbol: 'EURUSD', bid: 1.08995, ask: 1.09 };
const BTCUSD = { symbol: 'BTCUSD', bid: 41990, ask: 42000 };

async function quoted(svc: Service): Promise<void> {
  await svc.ticks([EURUSD, BTCUSD]);
}

const mt4Error = (error: string) => ({ error, message: expect.any(String) });

describe('MT4 manager dialect (seed 001)', () => {
  describe('a user with one account, EURUSD quoted 1.08995/1.09000', () => {
    let user: TestUser;
    let token: string;

    beforeAll(async () => {
      const svc = service();
      user = await svc.signup();
      await quoted(svc);
      token = await mt4Token(svc, user);
    });

    it("signs in with the account's login and its owner's password: {data: {token}}, a user session of the owner", async () => {
      const result = await mt4SignIn(service(), user.accountId, user.password);

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ data: { token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) } });
      expect(jwtPayload(result.body.data.token)).toMatchObject({ sub: user.userId, acc: 'user' });
    });

    it("opens the seed's BUY 1 lot EURUSD (sl 1.0850, tp 1.1000, comment) sent with the raw JWT: {data: \"OK\"} and the ticket", async () => {
      const svc = service();
      await quoted(svc);

      const result = await openTrade(svc, token, seedBodyFor(user.accountId));

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ data: 'OK', order: expect.any(Number) });
      const [row] = (await openOrders(svc, user)).filter((r) => r.orderId === String(result.body.order));
      expect(row).toMatchObject({
        symbol: 'EURUSD',
        type: 'BUY',
        quantity: 1, // volume 100 = 1 lot
        leverage: 100, // the account's
        openPrice: 1.09, // a market BUY fills at the ask; open_price only prices pending orders
        stopLoss: 1.085,
        takeProfit: 1.1,
        comment: 'Scalping order',
        margin: 1090, // 1 lot × 100000 × 1.09 / 100
      });
    });

    it('accepts the same session as Authorization: Bearer <jwt> too', async () => {
      const result = await openTrade(service(), `Bearer ${token}`, marketBody(user.accountId, { volume: 1 }));

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ data: 'OK', order: expect.any(Number) });
    });

    it('places cmd 2–5 as BUY_LIMIT, SELL_LIMIT, BUY_STOP and SELL_STOP at open_price, expiring at expiration (epoch seconds)', async () => {
      const svc = service();
      await quoted(svc);
      const expiration = Math.floor(Date.now() / 1000) + 86_400;
      const orders: Record<number, number> = {};
      const prices: Record<number, number> = { 2: 1.08, 3: 1.1, 4: 1.1, 5: 1.08 };
      for (const cmd of [2, 3, 4, 5]) {
        const result = await openTrade(svc, token, { login: Number(user.accountId), cmd, volume: 10, symbol: 'EURUSD', sl: 0, tp: 0, open_price: prices[cmd], expiration });
        expect({ cmd, status: result.status, body: result.body }).toEqual({ cmd, status: 200, body: { data: 'OK', order: expect.any(Number) } });
        orders[cmd] = result.body.order;
      }

      const resting = await activeOrders(svc, user);
      const byId = (id: number) => resting.find((o) => o.order_id === String(id));
      expect([2, 3, 4, 5].map((cmd) => ({ trade_type: byId(orders[cmd]!)?.trade_type, order_type: byId(orders[cmd]!)?.order_type, price: byId(orders[cmd]!)?.price }))).toEqual([
        { trade_type: 'BUY', order_type: 'LIMIT', price: '1.08000' },
        { trade_type: 'SELL', order_type: 'LIMIT', price: '1.10000' },
        { trade_type: 'BUY', order_type: 'STOP', price: '1.10000' },
        { trade_type: 'SELL', order_type: 'STOP', price: '1.08000' },
      ]);
      expect(byId(orders[2]!)?.expires_at).toBe(new Date(expiration * 1000).toISOString());
      expect(byId(orders[2]!)?.amount).toBe('10000'); // volume 10 = 0.1 lot = 10000 EUR
    });

    it('answers a pending order without expiration as good-till-cancelled', async () => {
      const svc = service();
      await quoted(svc);
      const result = await openTrade(svc, token, { login: Number(user.accountId), cmd: 2, volume: 10, symbol: 'EURUSD', sl: 0, tp: 0, open_price: 1.07 });

      expect(result.status).toBe(200);
      const order = (await activeOrders(svc, user)).find((o) => o.order_id === String(result.body.order));
      expect(order?.expires_at).toBeNull();
    });
  });

  describe('a signed-up user and a wrong login or password', () => {
    it('answers the same 401 PERMISSION_DENIED for a wrong password and for a login that does not exist', async () => {
      const svc = service();
      const user = await svc.signup();

      const wrongPassword = await mt4SignIn(svc, user.accountId, 'not-the-password');
      const unknownLogin = await mt4SignIn(svc, 999_999, user.password);

      expect({ status: wrongPassword.status, body: wrongPassword.body }).toEqual({ status: 401, body: { error: 'PERMISSION_DENIED', message: 'Invalid login or password' } });
      expect({ status: unknownLogin.status, body: unknownLogin.body }).toEqual({ status: 401, body: { error: 'PERMISSION_DENIED', message: 'Invalid login or password' } });
    });

    it('answers INVALID_DATA 400 for a login sent as a string', async () => {
      const result = await service().http('POST', '/sign/in', { body: { login: 'abc', password: 'x' } });

      expect({ status: result.status, body: result.body }).toEqual({ status: 400, body: mt4Error('INVALID_DATA') });
    });
  });

  describe('a user, another user, and requests the dialect refuses (balances and positions stay as they were)', () => {
    let user: TestUser;
    let other: TestUser;
    let token: string;

    beforeAll(async () => {
      const svc = service();
      user = await svc.signup();
      other = await svc.signup();
      token = await mt4Token(svc, user);
    });

    type Case = { name: string; request: () => { token: string | null; body: unknown }; status: number; code: string; message: RegExp | null };
    const market = (overrides: Record<string, unknown> = {}) => () => ({ token, body: marketBody(user.accountId, overrides) });
    const cases: Case[] = [
      { name: 'no Authorization header', request: () => ({ token: null, body: marketBody(user.accountId) }), status: 401, code: 'PERMISSION_DENIED', message: /Missing session/ },
      { name: 'HTTP Basic credentials instead of a session (wrong auth form)', request: () => ({ token: basic(user), body: marketBody(user.accountId) }), status: 401, code: 'PERMISSION_DENIED', message: /not a session/ },
      { name: 'a token that is not a JWT of this service', request: () => ({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.forged', body: marketBody(user.accountId) }), status: 401, code: 'PERMISSION_DENIED', message: /Invalid session/ },
      { name: "another user's login (foreign account)", request: () => ({ token, body: marketBody(other.accountId) }), status: 401, code: 'PERMISSION_DENIED', message: /not one of this session's logins/ },
      { name: 'a login that does not exist', request: () => ({ token, body: marketBody(999_999) }), status: 403, code: 'USER_NOT_FOUND', message: /999999 does not exist/ },
      { name: 'cmd 6 (bad enum)', request: market({ cmd: 6 }), status: 400, code: 'INVALID_DATA', message: /cmd must be 0 \(BUY\)/ },
      { name: 'cmd "BUY" (a string)', request: market({ cmd: 'BUY' }), status: 400, code: 'INVALID_DATA', message: /cmd must be/ },
      { name: 'volume 0', request: market({ volume: 0 }), status: 400, code: 'INVALID_DATA', message: /volume must be at least 1/ },
      { name: 'volume 10001 (above 100 lots)', request: market({ volume: 10_001 }), status: 400, code: 'INVALID_DATA', message: /between 1 and 10000/ },
      { name: 'volume 50.5 (not whole 1/100 lots)', request: market({ volume: 50.5 }), status: 400, code: 'INVALID_DATA', message: /volume must be an integer/ },
      { name: 'a 27-character comment (too long)', request: market({ comment: 'x'.repeat(27) }), status: 400, code: 'INVALID_DATA', message: /comment must be at most 26/ },
      { name: 'a negative sl', request: market({ sl: -1 }), status: 400, code: 'INVALID_DATA', message: /sl must be >= 0/ },
      { name: 'a missing tp', request: () => ({ token, body: { login: Number(user.accountId), cmd: 0, volume: 10, symbol: 'BTCUSD', sl: 0 } }), status: 400, code: 'INVALID_DATA', message: /tp is required/ },
      { name: 'an unknown symbol', request: market({ symbol: 'DOGEUSD' }), status: 400, code: 'INVALID_DATA', message: /symbol must be one of/ },
      { name: 'an unknown field', request: market({ magic: 7 }), status: 400, code: 'INVALID_DATA', message: /magic should not exist/ },
      { name: 'a pending order without open_price', request: market({ cmd: 2 }), status: 400, code: 'INVALID_DATA', message: /open_price is required/ },
      { name: 'a body that is not JSON', request: () => ({ token, body: '{"login": 1,' }), status: 400, code: 'INVALID_DATA', message: /JSON/ },
      { name: '100 lots of BTCUSD (more margin than the account has)', request: market({ volume: 10_000 }), status: 500, code: 'OPEN_ORDER_ERROR', message: /^TRADE_RETCODE_NO_MONEY \(10019\) \[\w+\]: / },
      { name: 'a pending order that expired already', request: market({ cmd: 2, open_price: 41000, expiration: 1_000_000 }), status: 500, code: 'OPEN_ORDER_ERROR', message: /TRADE_RETCODE_INVALID_EXPIRATION \(10022\)/ },
      { name: 'a take profit below the bid of a BUY', request: market({ tp: 41000 }), status: 500, code: 'OPEN_ORDER_ERROR', message: /TRADE_RETCODE_INVALID_STOPS \(10016\)/ },
    ];

    it.each(cases)('$name: $status $code in the seed shape, nothing changed', async ({ request, status, code, message }) => {
      const svc = service();
      await quoted(svc);
      const before = { mine: await stateOf(svc, user), theirs: await stateOf(svc, other), resting: await activeOrders(svc, user) };
      const { token: auth, body } = request();

      const result = await openTrade(svc, auth, body);

      expect({ status: result.status, body: result.body }).toEqual({ status, body: { error: code, message: expect.any(String) } });
      if (message) expect(result.body.message).toMatch(message);
      expect({ mine: await stateOf(svc, user), theirs: await stateOf(svc, other), resting: await activeOrders(svc, user) }).toEqual(before);
    });
  });

  describe('a manager of group vip, where one user’s account is and another’s is not', () => {
    let inGroup: TestUser;
    let outside: TestUser;
    let manager: { id: string; email: string; password: string; token: string };

    beforeAll(async () => {
      const svc = service();
      const admin = { 'x-admin-token': svc.adminToken };
      inGroup = await svc.signup();
      outside = await svc.signup();
      const group = await svc.http('POST', '/api/v1/admin/groups', { headers: admin, body: { name: 'vip', leverage: 100, marginCall: 100, stopOut: 50 } });
      expect(group.status).toBe(200);
      const moved = await svc.http('POST', `/api/v1/admin/accounts/${inGroup.accountId}/group`, { headers: admin, body: { group: 'vip' } });
      expect(moved.status).toBe(200);
      const email = uniqueEmail('manager');
      const created = await svc.http('POST', '/api/v1/admin/managers', { headers: admin, body: { email, password: 'manager-pass-1', groups: ['vip'] } });
      expect(created.status).toBe(201);
      manager = { id: created.body.managerId, email, password: 'manager-pass-1', token: await svc.signin(email, 'manager-pass-1') };
    });

    it('was created as {managerId, email, groups}, and its sign-in token carries the manager access type', () => {
      expect(manager.id).toMatch(DIGITS);
      expect(jwtPayload(manager.token)).toMatchObject({ sub: manager.id, acc: 'manager' });
    });

    it('trades a login of its group: the position is the account’s, and its events name the manager in the correlation id', async () => {
      const svc = service();
      await quoted(svc);

      const result = await openTrade(svc, manager.token, marketBody(inGroup.accountId, { volume: 20 }));

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ data: 'OK', order: expect.any(Number) });
      const rows = await openOrders(svc, inGroup);
      expect(rows.map((r) => [r.orderId, r.symbol, r.type, r.quantity])).toContainEqual([String(result.body.order), 'BTCUSD', 'BUY', 0.2]);
      const opened = accountEvents(svc, inGroup.accountId).find((e) => e.type === 'PositionOpened' && e.data.orderId === result.body.order);
      expect(opened?.metadata.correlationId).toMatch(new RegExp(`^manager:${manager.id}:`));
    });

    it('is refused a login outside its groups with PERMISSION_DENIED, and that account is unchanged', async () => {
      const svc = service();
      await quoted(svc);
      const before = await stateOf(svc, outside);

      const result = await openTrade(svc, manager.token, marketBody(outside.accountId));

      expect({ status: result.status, body: result.body }).toEqual({ status: 401, body: { error: 'PERMISSION_DENIED', message: expect.stringMatching(/outside this manager's groups/) } });
      expect(await stateOf(svc, outside)).toEqual(before);
    });

    it('answers USER_NOT_FOUND 403 for a login that does not exist', async () => {
      const result = await openTrade(service(), manager.token, marketBody(999_999));

      expect({ status: result.status, body: result.body }).toEqual({ status: 403, body: mt4Error('USER_NOT_FOUND') });
    });

    it('leaves the owner’s own session able to trade the same login', async () => {
      const svc = service();
      await quoted(svc);
      const ownToken = await mt4Token(svc, inGroup);

      const result = await openTrade(svc, ownToken, marketBody(inGroup.accountId, { volume: 1 }));

      expect(result.status).toBe(200);
      const opened = accountEvents(svc, inGroup.accountId).find((e) => e.type === 'PositionOpened' && e.data.orderId === result.body.order);
      expect(opened?.metadata.correlationId).not.toMatch(/^manager:/);
    });

    it('owns no account of its own', async () => {
      const result = await service().http('GET', '/api/v1/accounts', { token: manager.token });

      expect({ status: result.status, body: result.body }).toEqual({ status: 200, body: { accounts: [] } });
    });
  });

  describe('the service started with an admin token', () => {
    it('refuses without the admin token (403), an unknown group (404), a taken email (409) and a short password (400)', async () => {
      const svc = service();
      const admin = { 'x-admin-token': svc.adminToken };
      const taken = await svc.signup();
      const create = (body: unknown, headers: Record<string, string> = admin) => svc.http('POST', '/api/v1/admin/managers', { headers, body });

      const results = [
        await create({ email: uniqueEmail('m'), password: 'manager-pass-1', groups: ['demo'] }, {}),
        await create({ email: uniqueEmail('m'), password: 'manager-pass-1', groups: ['no-such-group'] }),
        await create({ email: taken.email, password: 'manager-pass-1', groups: ['demo'] }),
        await create({ email: uniqueEmail('m'), password: 'short', groups: ['demo'] }),
        await create({ email: uniqueEmail('m'), password: 'manager-pass-1', groups: [] }),
      ];

      expect(results.map((r) => ({ status: r.status, body: r.body }))).toEqual([
        { status: 403, body: { error: expect.any(String) } },
        { status: 404, body: { error: 'Group not found' } },
        { status: 409, body: { error: 'Email is already registered' } },
        { status: 400, body: { error: 'password must be at least 8 characters' } },
        { status: 400, body: { error: 'groups must name at least one group' } },
      ]);
    });

    it('lets a manager of group demo trade any demo login', async () => {
      const svc = service();
      await quoted(svc);
      const trader = await svc.signup();
      const email = uniqueEmail('demo-desk');
      const created = await svc.http('POST', '/api/v1/admin/managers', { headers: { 'x-admin-token': svc.adminToken }, body: { email, password: 'manager-pass-1', groups: ['demo'] } });
      expect(created.body).toEqual({ managerId: expect.stringMatching(DIGITS), userId: created.body.managerId, email, groups: ['demo'] });
      const token = await svc.signin(email, 'manager-pass-1');

      const result = await openTrade(svc, token, marketBody(trader.accountId, { volume: 5 }));

      expect(result.status).toBe(200);
      expect((await openOrders(svc, trader)).map((r) => r.orderId)).toEqual([String(result.body.order)]);
    });
  });
});
