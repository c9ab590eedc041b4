/**
 * Hummingbot dialect (seed 003) against the running service: Place Trade sent as the seed sends it
 * (HTTP Basic, JSON), the seed's response fields as decimal strings, MARKET / LIMIT / LIMIT_MAKER,
 * position_action CLOSE, the positions and active-orders reads, cancel by order id, and every error
 * in FastAPI's shape with the engine state unchanged. Prices come only from the admin tick endpoint.
 */
import { jest } from '@jest/globals';
import { useService, type Service, type TestUser } from '../support/service.js';
import { account, closedOrders, DIGITS, ISO_UTC, openOrders } from '../support/trading.js';
import { activeOrders, basic, marketOrder, placeTrade, positions, SEED_DECIMAL, seedBody } from './hummingbot-client.js';

jest.setTimeout(30_000);

const service = useService();

const BTC = { symbol: 'BTCUSD', bid: 41990, ask: 42000 };
const EUR = { symbol: 'EURUSD', bid: 1.08995, ask: 1.09 };
const quoted = (svc: Service) => svc.ticks([BTC, EUR]);

/** Everything a refused request must leave as it was. */
async function stateOf(svc: Service, user: TestUser) {
  return { account: await account(svc, user), positions: await openOrders(svc, user), resting: await activeOrders(svc, user), closed: await closedOrders(svc, user) };
}

describe('Hummingbot dialect (seed 003)', () => {
  describe('a user with account Main, BTC-USD quoted 41990/42000', () => {
    it("places the seed's LIMIT BUY 1 at 123 sent with Basic auth: 201 with the seed's fields as decimal strings, resting", async () => {
      const svc = service();
      const user = await svc.signup();
      await quoted(svc);

      const result = await svc.http('POST', '/trading/orders', {
        body: seedBody('Main', 'BTC-USD'),
        headers: { Authorization: basic(user), 'Content-Type': 'application/json' },
      });

      expect(result.status).toBe(201);
      expect(result.body).toEqual({
        order_id: expect.stringMatching(DIGITS),
        account_name: 'Main',
        connector_name: 'tradestream',
        trading_pair: 'BTC-USD',
        trade_type: 'BUY',
        amount: '1',
        order_type: 'LIMIT',
        price: '123.00',
        status: 'submitted',
      });
      expect(result.body.amount).toMatch(SEED_DECIMAL);
      expect(result.body.price).toMatch(SEED_DECIMAL);
      // Far below the ask: it rests as a BUY_LIMIT, no position.
      expect(await activeOrders(svc, user)).toEqual([
        expect.objectContaining({ order_id: result.body.order_id, trading_pair: 'BTC-USD', trade_type: 'BUY', order_type: 'LIMIT', amount: '1', price: '123.00', status: 'OPEN' }),
      ]);
      expect(await openOrders(svc, user)).toEqual([]);
    });

    it('fills a MARKET BUY 0.5 at the ask: the position is 0.5 lot and the answer carries the fill price', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoted(svc);

      const result = await placeTrade(svc, basic(user), marketOrder());

      expect(result.status).toBe(201);
      expect(result.body).toMatchObject({ order_type: 'MARKET', amount: '0.5', price: '42000.00', status: 'submitted' });
      const [row] = await openOrders(svc, user);
      expect(row).toMatchObject({ orderId: result.body.order_id, symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, openPrice: 42000 });
    });

    it('converts EUR-USD amounts in EUR into lots of 100000: SELL 150000 opens 1.5 lots at the bid', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoted(svc);

      const result = await placeTrade(svc, basic(user), marketOrder({ trading_pair: 'EUR-USD', trade_type: 'SELL', amount: '150000' }));

      expect(result.status).toBe(201);
      expect(result.body).toMatchObject({ trading_pair: 'EUR-USD', amount: '150000', price: '1.08995' });
      expect((await openOrders(svc, user)).map((r) => [r.symbol, r.type, r.quantity])).toEqual([['EURUSD', 'SELL', 1.5]]);
      expect((await positions(svc, user)).map((p) => [p.trading_pair, p.side, p.amount, p.entry_price])).toEqual([['EUR-USD', 'SHORT', '150000', '1.08995']]);
    });

    it('fills a marketable LIMIT (BUY at 42100, ask 42000) at once, at the ask, and leaves nothing resting', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoted(svc);

      const result = await placeTrade(svc, basic(user), marketOrder({ order_type: 'LIMIT', price: 42100 }));

      expect(result.status).toBe(201);
      expect(result.body).toMatchObject({ order_type: 'LIMIT', price: '42100.00' });
      expect((await openOrders(svc, user)).map((r) => [r.orderId, r.openPrice])).toEqual([[result.body.order_id, 42000]]);
      expect(await activeOrders(svc, user)).toEqual([]);
    });

    it('rests a LIMIT BUY at 41500 until the ask reaches it, then the position keeps the order id', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoted(svc);

      const result = await placeTrade(svc, basic(user), marketOrder({ order_type: 'LIMIT', price: '41500' }));
      expect(result.status).toBe(201);
      expect((await activeOrders(svc, user)).map((o) => o.order_id)).toEqual([result.body.order_id]);

      await svc.tick('BTCUSD', 41490, 41500);

      expect(await activeOrders(svc, user)).toEqual([]);
      expect((await openOrders(svc, user)).map((r) => [r.orderId, r.quantity, r.openPrice])).toEqual([[result.body.order_id, 0.5, 41500]]);
    });

    it('rests a LIMIT_MAKER SELL above the bid as a SELL limit', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoted(svc);

      const result = await placeTrade(svc, basic(user), marketOrder({ trade_type: 'SELL', order_type: 'LIMIT_MAKER', price: 42500 }));

      expect(result.status).toBe(201);
      expect(await activeOrders(svc, user)).toEqual([expect.objectContaining({ order_id: result.body.order_id, trade_type: 'SELL', order_type: 'LIMIT', price: '42500.00' })]);
    });
  });

  describe('a user holding BUY 0.3 then BUY 0.5 BTC-USD', () => {
    let user: TestUser;
    let older: string;
    let newer: string;

    beforeEach(async () => {
      const svc = service();
      user = await svc.signup();
      await quoted(svc);
      older = (await placeTrade(svc, basic(user), marketOrder({ amount: 0.3 }))).body.order_id;
      newer = (await placeTrade(svc, basic(user), marketOrder({ amount: 0.5 }))).body.order_id;
    });

    it('closes SELL 0.6 with position_action CLOSE oldest first: 0.3 closed, 0.5 reduced to 0.2 at the bid', async () => {
      const svc = service();

      const result = await placeTrade(svc, basic(user), marketOrder({ trade_type: 'SELL', amount: 0.6, position_action: 'CLOSE' }));

      expect(result.status).toBe(201);
      expect(result.body).toEqual({
        order_id: older,
        account_name: 'Main',
        connector_name: 'tradestream',
        trading_pair: 'BTC-USD',
        trade_type: 'SELL',
        amount: '0.6',
        order_type: 'MARKET',
        price: '41990.00',
        status: 'submitted',
      });
      expect((await openOrders(svc, user)).map((r) => [r.orderId, r.quantity])).toEqual([[newer, 0.2]]);
      expect((await closedOrders(svc, user)).map((r) => [r.orderId, r.quantity, r.closePrice, r.closeReason])).toEqual([
        [newer, 0.3, 41990, 'PARTIAL'],
        [older, 0.3, 41990, 'MANUAL'],
      ]);
    });

    it('refuses a CLOSE larger than the open BUY volume (0.9 > 0.8) with 400 and closes nothing', async () => {
      const svc = service();
      const before = await stateOf(svc, user);

      const result = await placeTrade(svc, basic(user), marketOrder({ trade_type: 'SELL', amount: 0.9, position_action: 'CLOSE' }));

      expect({ status: result.status, body: result.body }).toEqual({ status: 400, body: { detail: 'amount 0.9 exceeds the open BUY position on BTC-USD (0.8 BTC)' } });
      expect(await stateOf(svc, user)).toEqual(before);
    });

    it('refuses a BUY CLOSE (there is no SELL position) with 400', async () => {
      const result = await placeTrade(service(), basic(user), marketOrder({ trade_type: 'BUY', amount: 0.1, position_action: 'CLOSE' }));

      expect({ status: result.status, body: result.body }).toEqual({ status: 400, body: { detail: 'No open SELL position on BTC-USD to close' } });
    });

    it('lists both positions on GET and POST /trading/positions with decimal strings and pagination', async () => {
      const svc = service();
      const get = await svc.http('GET', '/trading/positions', { headers: { Authorization: basic(user) } });
      const post = await svc.http('POST', '/trading/positions', { headers: { Authorization: basic(user) }, body: { account_names: ['Main'], connector_names: ['tradestream'], limit: 1 } });

      expect(get.status).toBe(200);
      expect(get.body).toEqual({
        data: [older, newer].map((id, i) =>
          expect.objectContaining({
            account_name: 'Main',
            connector_name: 'tradestream',
            trading_pair: 'BTC-USD',
            position_id: id,
            side: 'LONG',
            trade_type: 'BUY',
            amount: ['0.3', '0.5'][i],
            entry_price: '42000.00',
            mark_price: '41990.00',
            unrealized_pnl: ['-3.00', '-5.00'][i],
            open_time: expect.stringMatching(ISO_UTC),
          }),
        ),
        pagination: { limit: 100, has_more: false, next_cursor: null, total_count: 2 },
      });
      expect(post.status).toBe(200);
      expect(post.body.data.map((p: any) => p.position_id)).toEqual([older]);
      expect(post.body.pagination).toEqual({ limit: 1, has_more: true, next_cursor: older, total_count: 2 });
    });
  });

  describe('a user with a resting LIMIT order', () => {
    it('cancels it by its order id (hummingbot-api path); a second cancel is 404', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoted(svc);
      const placed = await placeTrade(svc, basic(user), seedBody());
      const path = `/trading/Main/tradestream/orders/${placed.body.order_id}/cancel`;

      const first = await svc.http('POST', path, { headers: { Authorization: basic(user) } });
      const second = await svc.http('POST', path, { headers: { Authorization: basic(user) } });

      expect({ status: first.status, body: first.body }).toEqual({ status: 200, body: { message: `Order cancellation initiated for ${placed.body.order_id}` } });
      expect({ status: second.status, body: second.body }).toEqual({ status: 404, body: { detail: `Order ${placed.body.order_id} not found` } });
      expect(await activeOrders(svc, user)).toEqual([]);
    });

    it('lists it on POST /trading/orders/active, filtered by trading pair', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoted(svc);
      const placed = await placeTrade(svc, basic(user), seedBody());

      const btc = await svc.http('POST', '/trading/orders/active', { headers: { Authorization: basic(user) }, body: { trading_pairs: ['BTC-USD'] } });
      const eth = await svc.http('POST', '/trading/orders/active', { headers: { Authorization: basic(user) }, body: { trading_pairs: ['ETH-USD'] } });

      expect(btc.body.data).toEqual([
        expect.objectContaining({ order_id: placed.body.order_id, status: 'OPEN', filled_amount: '0', created_at: expect.stringMatching(ISO_UTC) }),
      ]);
      expect(eth.body).toEqual({ data: [], pagination: { limit: 100, has_more: false, next_cursor: null, total_count: 0 } });
    });
  });

  describe('two users, the other with a resting order and an account named Bob-Savings; refused requests answer in FastAPI’s shape and change nothing', () => {
    let user: TestUser;
    let other: TestUser;
    let otherOrder: string;

    beforeAll(async () => {
      const svc = service();
      user = await svc.signup();
      other = await svc.signup();
      await quoted(svc);
      // The other user's account has its own name and a resting order.
      otherOrder = (await placeTrade(svc, basic(other), seedBody())).body.order_id;
      const opened = await svc.http('POST', '/api/v1/accounts', { token: other.token, body: { name: 'Bob-Savings' } });
      expect(opened.status).toBe(201);
    });

    type Case = { name: string; auth: () => string | null; body: () => unknown; status: number; detail: unknown; www?: boolean };
    const order = (overrides: Record<string, unknown>) => () => marketOrder(overrides);
    const mine = () => basic(user);
    const field = (type: string, name: string, msg: string | RegExp) => ({ type, loc: ['body', name], msg: typeof msg === 'string' ? msg : expect.stringMatching(msg), input: expect.anything() });
    const cases: Case[] = [
      { name: 'no Authorization header', auth: () => null, body: order({}), status: 401, detail: 'Not authenticated', www: true },
      { name: 'a Bearer JWT instead of Basic (wrong auth form)', auth: () => `Bearer ${user.token}`, body: order({}), status: 401, detail: 'Not authenticated', www: true },
      { name: 'a wrong password', auth: () => basic({ email: user.email, password: 'wrong-password' }), body: order({}), status: 401, detail: 'Incorrect username or password', www: true },
      { name: "another user's account name (foreign account)", auth: mine, body: order({ account_name: 'Bob-Savings' }), status: 404, detail: "Account 'Bob-Savings' not found" },
      { name: 'an unknown connector', auth: mine, body: order({ connector_name: 'binance' }), status: 404, detail: "Connector 'binance' not found for account 'Main'. Available connectors: tradestream" },
      { name: 'trade_type HOLD (bad enum)', auth: mine, body: order({ trade_type: 'HOLD' }), status: 422, detail: [field('literal_error', 'trade_type', "Input should be 'BUY' or 'SELL'")] },
      { name: 'order_type STOP (bad enum)', auth: mine, body: order({ order_type: 'STOP' }), status: 422, detail: [field('literal_error', 'order_type', "Input should be 'LIMIT', 'MARKET' or 'LIMIT_MAKER'")] },
      { name: 'position_action FLIP (bad enum)', auth: mine, body: order({ position_action: 'FLIP' }), status: 422, detail: [field('literal_error', 'position_action', "Input should be 'OPEN' or 'CLOSE'")] },
      { name: 'amount 0', auth: mine, body: order({ amount: 0 }), status: 422, detail: [field('greater_than', 'amount', 'Input should be greater than 0')] },
      { name: 'amount "lots"', auth: mine, body: order({ amount: 'lots' }), status: 422, detail: [field('decimal_parsing', 'amount', 'Input should be a valid decimal')] },
      { name: 'amount 0.005 BTC (not a 0.01-lot step)', auth: mine, body: order({ amount: 0.005 }), status: 422, detail: [field('value_error', 'amount', /whole number of 0\.01 BTC steps/)] },
      { name: 'amount 101 BTC (above 100 lots)', auth: mine, body: order({ amount: 101 }), status: 422, detail: [field('value_error', 'amount', /from 0\.01 to 100 BTC/)] },
      { name: 'amount 1500 EUR (not a 0.01-lot step of 1000 EUR)', auth: mine, body: order({ trading_pair: 'EUR-USD', amount: 1500 }), status: 422, detail: [field('value_error', 'amount', /0\.01 lot of EURUSD/)] },
      { name: 'an unknown trading pair', auth: mine, body: order({ trading_pair: 'DOGE-USD' }), status: 422, detail: [field('value_error', 'trading_pair', /unknown trading pair 'DOGE-USD'/)] },
      { name: 'a LIMIT without price', auth: mine, body: order({ order_type: 'LIMIT' }), status: 422, detail: [{ type: 'value_error', loc: ['body', 'price'], msg: 'Value error, price is required for LIMIT orders' }] },
      { name: 'a price with more decimals than BTC-USD has', auth: mine, body: order({ order_type: 'LIMIT', price: 41000.123 }), status: 422, detail: [field('value_error', 'price', /at most 2 decimals/)] },
      { name: 'an account_name of 65 characters (too long)', auth: mine, body: order({ account_name: 'x'.repeat(65) }), status: 422, detail: [field('string_too_long', 'account_name', 'String should have at most 64 characters')] },
      { name: 'missing fields', auth: mine, body: () => ({ account_name: 'Main', connector_name: 'tradestream', trading_pair: 'BTC-USD' }), status: 422, detail: [field('missing', 'trade_type', 'Field required'), field('missing', 'amount', 'Field required')] },
      { name: 'an unknown field', auth: mine, body: order({ leverage: 10 }), status: 422, detail: [field('extra_forbidden', 'leverage', 'Extra inputs are not permitted')] },
      { name: 'a body that is not JSON', auth: mine, body: () => '{"amount": ', status: 422, detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', ctx: expect.any(Object) }] },
      { name: 'a LIMIT_MAKER BUY at 42500 that would fill at once (ask 42000)', auth: mine, body: order({ order_type: 'LIMIT_MAKER', price: 42500 }), status: 400, detail: 'LIMIT_MAKER order would fill at once: a BUY at 42500.00 crosses the ask 42000.00; it was not placed' },
      { name: '100 BTC (more margin than the account has)', auth: mine, body: order({ amount: 100 }), status: 400, detail: expect.stringMatching(/^Trade rejected: TRADE_RETCODE_NO_MONEY \(10019\)/) },
    ];

    it.each(cases)('$name: $status', async ({ auth, body, status, detail, www }) => {
      const svc = service();
      await quoted(svc);
      const before = { mine: await stateOf(svc, user), theirs: await stateOf(svc, other) };

      const result = await placeTrade(svc, auth(), body());

      expect({ status: result.status, body: result.body }).toEqual({ status, body: { detail } });
      if (www) expect(result.headers.get('www-authenticate')).toBe('Basic');
      expect({ mine: await stateOf(svc, user), theirs: await stateOf(svc, other) }).toEqual(before);
    });

    it("answers 404 for a cancel of another user's order through one's own account, and the order keeps resting", async () => {
      const svc = service();

      const result = await svc.http('POST', `/trading/Main/tradestream/orders/${otherOrder}/cancel`, { headers: { Authorization: basic(user) } });

      expect({ status: result.status, body: result.body }).toEqual({ status: 404, body: { detail: `Order ${otherOrder} not found` } });
      expect((await activeOrders(svc, other)).map((o) => o.order_id)).toEqual([otherOrder]);
    });

    it('answers 422 for a filter body whose limit is 0', async () => {
      const result = await service().http('POST', '/trading/positions', { headers: { Authorization: basic(user) }, body: { limit: 0 } });

      expect({ status: result.status, body: result.body }).toEqual({
        status: 422,
        body: { detail: [{ type: 'greater_than_equal', loc: ['body', 'limit'], msg: 'Input should be greater than or equal to 1', input: 0 }] },
      });
    });
  });
});
