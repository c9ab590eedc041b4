/**
 * Seeds 000 (create an order) and 002 (list open orders) against the running service, plus the
 * close and closed-history endpoints of API.md. Every price is set by hand through the admin tick
 * endpoint (PRICE_FEED=manual); every expected number is computed in the comments.
 */
import { jest } from '@jest/globals';
import { useService } from './support/service.js';
import {
  account,
  CLOSED_FIELDS,
  closedOrders,
  closeOrder,
  createOrder,
  DIGITS,
  ISO_UTC,
  openOrders,
  openPosition,
  pick,
  SEED_OPEN_FIELDS,
} from './support/trading.js';

jest.setTimeout(30_000);

const service = useService();

/** Seed 000's request bodies, byte for byte. */
const SEED_BASIC_BUY = `{
"symbol": "BTCUSD",
"type": "BUY",
"quantity": 0.5,
"leverage": 10
}`;
const SEED_ETH_SELL = `{
"symbol": "ETHUSD",
"type": "SELL",
"quantity": 2.0,
"leverage": 20,
"slippage": 0.5,
"takeProfit": 1800.00,
"stopLoss": 1950.00
}`;
const SEED_MISSING = `{
"symbol": "BTCUSD",
"quantity": 0.5
}`;

/** Everything a rejected request must leave untouched. */
async function snapshot(user: Parameters<typeof account>[1]) {
  const svc = service();
  return { account: await account(svc, user), open: await openOrders(svc, user), closed: await closedOrders(svc, user) };
}

describe('Exness-style trading (seeds 000 and 002)', () => {
  describe('BTCUSD and ETHUSD are quoted (seed 000 examples)', () => {
    it('creates the basic BUY 0.5 BTCUSD x10 order and answers with an orderId of digits', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);

      const result = await createOrder(svc, user, SEED_BASIC_BUY);

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ message: 'Order created successfully', orderId: expect.stringMatching(DIGITS) });
      const [row] = await openOrders(svc, user);
      expect(pick(row, ['orderId', 'symbol', 'type', 'quantity', 'leverage', 'openPrice'])).toEqual({
        orderId: result.body.orderId,
        symbol: 'BTCUSD',
        type: 'BUY',
        quantity: 0.5,
        leverage: 10,
        openPrice: 42000, // a BUY opens at the ask
      });
    });

    it('creates the ETHUSD SELL 2.0 x20 order with slippage 0.5, take profit 1800 and stop loss 1950', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('ETHUSD', 1900.0, 1900.5);

      const result = await createOrder(svc, user, SEED_ETH_SELL);

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ message: 'Order created successfully', orderId: expect.stringMatching(DIGITS) });
      const [row] = await openOrders(svc, user);
      expect(pick(row, ['orderId', 'symbol', 'type', 'quantity', 'leverage', 'openPrice', 'takeProfit', 'stopLoss'])).toEqual({
        orderId: result.body.orderId,
        symbol: 'ETHUSD',
        type: 'SELL',
        quantity: 2,
        leverage: 20,
        openPrice: 1900, // a SELL opens at the bid
        takeProfit: 1800,
        stopLoss: 1950,
      });
    });

    it("answers the missing-parameters example with exactly the seed's 400 body and creates nothing", async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);

      const result = await createOrder(svc, user, SEED_MISSING);

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: 'Missing required parameters: symbol, type, quantity, leverage' });
      expect(await openOrders(svc, user)).toEqual([]);
    });
  });

  describe('the two positions of the seed 002 example are open and the market moved', () => {
    it('lists them on /trade/open with the seed fields, live prices and hand-computed profits', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.ticks([
        { symbol: 'BTCUSD', bid: 41990.0, ask: 42000.0 },
        { symbol: 'ETHUSD', bid: 1900.0, ask: 1900.5 },
      ]);
      const before = Date.now();
      const btc = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10, takeProfit: 45000.0, stopLoss: 40000.0 });
      const eth = await openPosition(svc, user, { symbol: 'ETHUSD', type: 'SELL', quantity: 2.0, leverage: 20, takeProfit: 1800.0, stopLoss: 1950.0 });
      const after = Date.now();
      await svc.ticks([
        { symbol: 'BTCUSD', bid: 42350.75, ask: 42360.75 },
        { symbol: 'ETHUSD', bid: 1875.0, ask: 1875.5 },
      ]);

      const rows = await openOrders(svc, user);

      expect(rows).toHaveLength(2);
      const byId = new Map(rows.map((r) => [r.orderId, r]));
      for (const row of rows) {
        for (const field of SEED_OPEN_FIELDS) expect(row).toHaveProperty(field);
        expect(row.openTime).toMatch(ISO_UTC);
        const opened = Date.parse(row.openTime);
        expect(opened).toBeGreaterThanOrEqual(before - 1000);
        expect(opened).toBeLessThanOrEqual(after + 1000);
      }
      expect(pick(byId.get(btc), SEED_OPEN_FIELDS)).toEqual({
        orderId: btc,
        symbol: 'BTCUSD',
        type: 'BUY',
        quantity: 0.5,
        leverage: 10,
        openPrice: 42000.0, // the ask when it opened
        currentPrice: 42350.75, // a BUY is valued at the bid
        profit: 175.38, // (42350.75 − 42000) × 0.5 × 1 = 175.375 → 175.38 (half away from zero)
        takeProfit: 45000.0,
        stopLoss: 40000.0,
        openTime: byId.get(btc).openTime,
        status: 'OPEN',
      });
      expect(pick(byId.get(eth), SEED_OPEN_FIELDS)).toEqual({
        orderId: eth,
        symbol: 'ETHUSD',
        type: 'SELL',
        quantity: 2.0,
        leverage: 20,
        openPrice: 1900.0, // the bid when it opened
        currentPrice: 1875.5, // a SELL is valued at the ask
        profit: 49.0, // (1900 − 1875.50) × 2 × 1 = 49.00
        takeProfit: 1800.0,
        stopLoss: 1950.0,
        openTime: byId.get(eth).openTime,
        status: 'OPEN',
      });
    });

    it('lists the same rows on the /trade/orders alias', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.ticks([
        { symbol: 'BTCUSD', bid: 41990.0, ask: 42000.0 },
        { symbol: 'ETHUSD', bid: 1900.0, ask: 1900.5 },
      ]);
      await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 });
      await openPosition(svc, user, { symbol: 'ETHUSD', type: 'SELL', quantity: 2, leverage: 20 });

      const open = await svc.http('GET', '/api/v1/trade/open', { token: user.token });
      const orders = await svc.http('GET', '/api/v1/trade/orders', { token: user.token });

      expect(open.status).toBe(200);
      expect(orders.status).toBe(200);
      expect(open.body.message).toHaveLength(2);
      expect(orders.body).toEqual(open.body);
    });
  });

  describe('a user has no open position', () => {
    it('answers {message: []} on /trade/open and /trade/orders', async () => {
      const svc = service();
      const user = await svc.signup();

      for (const path of ['/api/v1/trade/open', '/api/v1/trade/orders']) {
        const result = await svc.http('GET', path, { token: user.token });
        expect(result.status).toBe(200);
        expect(result.body).toEqual({ message: [] });
      }
    });
  });

  describe('the token is invalid', () => {
    it("answers seed 002's example exactly: 401 {error: 'Unauthorized'} for Bearer invalid_token", async () => {
      const result = await service().http('GET', '/api/v1/trade/orders', { headers: { authorization: 'Bearer invalid_token' } });

      expect(result.status).toBe(401);
      expect(result.body).toEqual({ error: 'Unauthorized' });
    });

    it('answers 401 with {error} on every trading endpoint', async () => {
      const svc = service();
      const calls: [string, string, unknown?][] = [
        ['GET', '/api/v1/trade/open'],
        ['GET', '/api/v1/trade/orders'],
        ['GET', '/api/v1/trade/closed'],
        ['GET', '/api/v1/trade/close'],
        ['POST', '/api/v1/trade/create', { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 }],
        ['POST', '/api/v1/trade/close', { orderId: '1000001' }],
      ];
      for (const [method, path, body] of calls) {
        const result = await svc.http(method, path, { body, headers: { authorization: 'Bearer invalid_token' } });
        expect({ call: `${method} ${path}`, status: result.status }).toEqual({ call: `${method} ${path}`, status: 401 });
        expect(result.body).toEqual({ error: expect.any(String) });
      }
    });
  });

  describe('a position is closed by its owner', () => {
    it('closes fully at the bid, answers closePrice and profit, and moves it to the history as MANUAL', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 });
      await svc.tick('BTCUSD', 42100.1, 42110.1);

      const result = await closeOrder(svc, user, { orderId });

      expect(result.status).toBe(200);
      // closes at the bid 42100.10; profit (42100.10 − 42000) × 0.5 = 50.05
      expect(pick(result.body, ['message', 'orderId', 'closePrice', 'profit'])).toEqual({
        message: 'Order closed successfully',
        orderId,
        closePrice: 42100.1,
        profit: 50.05,
      });
      expect(await openOrders(svc, user)).toEqual([]);
      const closed = await closedOrders(svc, user);
      expect(closed).toHaveLength(1);
      for (const field of CLOSED_FIELDS) expect(closed[0]).toHaveProperty(field);
      expect(pick(closed[0], CLOSED_FIELDS)).toEqual({
        orderId,
        symbol: 'BTCUSD',
        type: 'BUY',
        quantity: 0.5,
        leverage: 10,
        openPrice: 42000,
        currentPrice: closed[0].currentPrice,
        profit: 50.05,
        takeProfit: null,
        stopLoss: null,
        openTime: expect.stringMatching(ISO_UTC),
        status: 'CLOSED',
        closePrice: 42100.1,
        closeTime: expect.stringMatching(ISO_UTC),
        closeReason: 'MANUAL',
      });
      expect((await account(svc, user)).balance).toBe(10050.05); // 10000 + 50.05
    });

    it('lists the history newest first on /trade/closed and the same on the /trade/close alias', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.ticks([
        { symbol: 'BTCUSD', bid: 41990.0, ask: 42000.0 },
        { symbol: 'ETHUSD', bid: 1900.0, ask: 1900.5 },
      ]);
      const first = await openPosition(svc, user, { symbol: 'ETHUSD', type: 'SELL', quantity: 1, leverage: 20 });
      const second = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.1, leverage: 10 });
      const third = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.2, leverage: 10 });
      for (const orderId of [second, first, third]) {
        expect((await closeOrder(svc, user, { orderId })).status).toBe(200);
      }

      const closed = await svc.http('GET', '/api/v1/trade/closed', { token: user.token });
      const alias = await svc.http('GET', '/api/v1/trade/close', { token: user.token });

      expect(closed.status).toBe(200);
      expect(closed.body.message.map((r: any) => r.orderId)).toEqual([third, first, second]);
      expect(closed.body.message.map((r: any) => [r.status, r.closeReason])).toEqual([
        ['CLOSED', 'MANUAL'],
        ['CLOSED', 'MANUAL'],
        ['CLOSED', 'MANUAL'],
      ]);
      expect(alias.status).toBe(200);
      expect(alias.body).toEqual(closed.body);
    });

    it('closes part of a position: the id stays open with the rest and a PARTIAL row holds the closed part', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 1.0, leverage: 10 });
      await svc.tick('BTCUSD', 42200.0, 42210.0);

      const partial = await closeOrder(svc, user, { orderId, quantity: 0.4 });

      expect(partial.status).toBe(200);
      // (42200 − 42000) × 0.4 = 80.00
      expect(pick(partial.body, ['message', 'orderId', 'closePrice', 'profit'])).toEqual({
        message: 'Order closed successfully',
        orderId,
        closePrice: 42200,
        profit: 80,
      });
      const open = await openOrders(svc, user);
      expect(open.map((r) => pick(r, ['orderId', 'quantity', 'openPrice', 'status']))).toEqual([
        { orderId, quantity: 0.6, openPrice: 42000, status: 'OPEN' },
      ]);
      expect((await closedOrders(svc, user)).map((r) => pick(r, ['orderId', 'quantity', 'closePrice', 'profit', 'closeReason', 'status']))).toEqual([
        { orderId, quantity: 0.4, closePrice: 42200, profit: 80, closeReason: 'PARTIAL', status: 'CLOSED' },
      ]);

      // The rest closes as MANUAL under the same id: (42200 − 42000) × 0.6 = 120.00
      const rest = await closeOrder(svc, user, { orderId });
      expect(rest.status).toBe(200);
      expect(rest.body.profit).toBe(120);
      expect(await openOrders(svc, user)).toEqual([]);
      expect((await closedOrders(svc, user)).map((r) => pick(r, ['orderId', 'quantity', 'profit', 'closeReason']))).toEqual([
        { orderId, quantity: 0.6, profit: 120, closeReason: 'MANUAL' },
        { orderId, quantity: 0.4, profit: 80, closeReason: 'PARTIAL' },
      ]);
      expect((await account(svc, user)).balance).toBe(10200); // 10000 + 80 + 120
    });

    it('answers 404 with {error} for an order id that does not exist', async () => {
      const svc = service();
      const user = await svc.signup();

      for (const orderId of ['999999999', 999999998]) {
        const result = await closeOrder(svc, user, { orderId });
        expect(result.status).toBe(404);
        expect(result.body).toEqual({ error: expect.any(String) });
      }
    });

    it('answers 400 and keeps the position when the quantity exceeds the open one', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 });
      const before = await snapshot(user);

      const result = await closeOrder(svc, user, { orderId, quantity: 0.6 });

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: expect.any(String), code: 'TRADE_RETCODE_INVALID_CLOSE_VOLUME' });
      expect(await snapshot(user)).toEqual(before);
    });
  });

  describe('take profit and stop loss are armed', () => {
    it('keeps a BUY open below its take profit and closes it at the bid that reached it (TAKE_PROFIT)', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10, takeProfit: 45000, stopLoss: 40000 });

      await svc.tick('BTCUSD', 44999.99, 45009.99); // the ask is above the TP, the bid is not: stays open
      expect((await openOrders(svc, user)).map((r) => r.orderId)).toEqual([orderId]);

      await svc.tick('BTCUSD', 45012.34, 45022.34);

      expect(await openOrders(svc, user)).toEqual([]);
      const [row] = await closedOrders(svc, user);
      // closes at the triggering bid 45012.34, not at 45000: (45012.34 − 42000) × 0.5 = 1506.17
      expect(pick(row, ['orderId', 'closePrice', 'profit', 'closeReason', 'status'])).toEqual({
        orderId,
        closePrice: 45012.34,
        profit: 1506.17,
        closeReason: 'TAKE_PROFIT',
        status: 'CLOSED',
      });
      expect((await account(svc, user)).balance).toBe(11506.17);
    });

    it('closes a BUY whose stop loss the bid touches at that bid (STOP_LOSS)', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10, takeProfit: 45000, stopLoss: 40000 });

      await svc.tick('BTCUSD', 40000.0, 40010.0);

      expect(await openOrders(svc, user)).toEqual([]);
      const [row] = await closedOrders(svc, user);
      // (40000 − 42000) × 0.5 = −1000.00
      expect(pick(row, ['orderId', 'closePrice', 'profit', 'closeReason'])).toEqual({
        orderId,
        closePrice: 40000,
        profit: -1000,
        closeReason: 'STOP_LOSS',
      });
      expect((await account(svc, user)).balance).toBe(9000);
    });

    it('closes at the bid that crossed the stop loss when the price gaps through it, not at the stop level', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10, stopLoss: 40000 });

      await svc.tick('BTCUSD', 38000.0, 38010.0); // one tick from above 42000 to far below the SL

      expect(await openOrders(svc, user)).toEqual([]);
      const [row] = await closedOrders(svc, user);
      // (38000 − 42000) × 0.5 = −2000.00
      expect(pick(row, ['orderId', 'closePrice', 'profit', 'closeReason'])).toEqual({
        orderId,
        closePrice: 38000,
        profit: -2000,
        closeReason: 'STOP_LOSS',
      });
      expect((await account(svc, user)).balance).toBe(8000);
    });

    it('closes a SELL at the ask that reached its take profit (TAKE_PROFIT)', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('ETHUSD', 1900.0, 1900.5);
      const orderId = await openPosition(svc, user, { symbol: 'ETHUSD', type: 'SELL', quantity: 2, leverage: 20, takeProfit: 1800, stopLoss: 1950 });

      await svc.tick('ETHUSD', 1799.0, 1799.5);

      expect(await openOrders(svc, user)).toEqual([]);
      const [row] = await closedOrders(svc, user);
      // a SELL closes at the ask 1799.50: (1900 − 1799.50) × 2 = 201.00
      expect(pick(row, ['orderId', 'closePrice', 'profit', 'closeReason'])).toEqual({
        orderId,
        closePrice: 1799.5,
        profit: 201,
        closeReason: 'TAKE_PROFIT',
      });
    });
  });

  describe('a trade is rejected', () => {
    it('rejects a BUY whose take profit is below the bid with 400 INVALID_STOPS and changes nothing', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const before = await snapshot(user);

      const result = await createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10, takeProfit: 41000 });

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: expect.any(String), code: 'TRADE_RETCODE_INVALID_STOPS' });
      expect(await snapshot(user)).toEqual(before);
    });

    it('rejects a volume the free margin cannot carry with 400 NO_MONEY and changes nothing', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const before = await snapshot(user);

      // margin 100 × 42000 / 1 = 4 200 000 > free margin 10 000
      const result = await createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 100, leverage: 1 });

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: expect.any(String), code: 'TRADE_RETCODE_NO_MONEY' });
      expect(await snapshot(user)).toEqual(before);
    });

    it('rejects a symbol that never had a price with 400 PRICE_OFF and changes nothing', async () => {
      const svc = service();
      const user = await svc.signup();
      const before = await snapshot(user);

      // No suite in this file ever sends an XAUUSD tick.
      const result = await createOrder(svc, user, { symbol: 'XAUUSD', type: 'BUY', quantity: 0.1, leverage: 10 });

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: expect.any(String), code: 'TRADE_RETCODE_PRICE_OFF' });
      expect(await snapshot(user)).toEqual(before);
    });
  });

  describe('the request body is invalid', () => {
    it('rejects an unknown body field with 400 {error} and creates nothing', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);

      const result = await createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10, userId: '1' });

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: expect.any(String) });
      expect(await openOrders(svc, user)).toEqual([]);
    });

    it('rejects malformed JSON with 400 {error}', async () => {
      const svc = service();
      const user = await svc.signup();

      const result = await createOrder(svc, user, '{"symbol": "BTCUSD", "type": "BUY",');

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: expect.any(String) });
    });

    it('rejects a quantity sent as a string with 400 {error} and creates nothing', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);

      const result = await createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: '0.5', leverage: 10 });

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: expect.any(String) });
      expect(await openOrders(svc, user)).toEqual([]);
    });
  });

  describe('a state change was just answered (read-your-writes)', () => {
    it('shows each created order on the very next GET /trade/open', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);
      const ids: string[] = [];

      for (let i = 0; i < 5; i += 1) {
        ids.push(await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 }));
        expect(new Set((await openOrders(svc, user)).map((r) => r.orderId))).toEqual(new Set(ids));
      }
    });

    it('shows a close on the very next GET /trade/closed, /trade/open and /accounts/:id', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 41990.0, 42000.0);

      for (let i = 0; i < 3; i += 1) {
        const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 });
        const closed = await closeOrder(svc, user, { orderId });
        expect(closed.status).toBe(200);
        expect((await closedOrders(svc, user))[0].orderId).toBe(orderId);
        expect(await openOrders(svc, user)).toEqual([]);
        // each round trip loses the spread: (41990 − 42000) × 0.01 = −0.10
        expect((await account(svc, user)).balance).toBe(Math.round((10000 - 0.1 * (i + 1)) * 100) / 100);
      }
    });
  });
});
