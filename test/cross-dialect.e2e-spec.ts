/**
 * One trade, four dialects: BUY 0.5 BTCUSD at the same quote through `/api/v1/trade/create`
 * (quantity 0.5, leverage 100 = the account's), MT4 `/trade/open` (cmd 0, volume 50), Hummingbot
 * MARKET (amount 0.5 BTC) and MetaApi ORDER_TYPE_BUY (volume 0.5). Each user starts alike; each
 * account must end with the same events (the same PositionOpened data apart from ids and times)
 * and the same read-model rows and balances.
 */
import { jest } from '@jest/globals';
import { useService, type Service, type TestUser } from './support/service.js';
import { account, openOrders } from './support/trading.js';
import { basic, marketOrder, placeTrade } from './hummingbot/hummingbot-client.js';
import { accountEvents, mt4Token, openTrade } from './mt4/mt4-client.js';

jest.setTimeout(30_000);

const service = useService();

type Dialect = 'api/v1' | 'mt4' | 'hummingbot' | 'metaapi';

/** Sends the trade in one dialect as its seed would; answers the new order id. */
const TRADE: Record<Dialect, (svc: Service, user: TestUser) => Promise<string>> = {
  async 'api/v1'(svc, user) {
    const result = await svc.http('POST', '/api/v1/trade/create', { token: user.token, body: { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 100 } });
    expect({ status: result.status, body: result.body }).toEqual({ status: 200, body: { message: 'Order created successfully', orderId: expect.any(String) } });
    return result.body.orderId;
  },
  async mt4(svc, user) {
    const result = await openTrade(svc, await mt4Token(svc, user), { login: Number(user.accountId), cmd: 0, volume: 50, symbol: 'BTCUSD', sl: 0, tp: 0 });
    expect({ status: result.status, body: result.body }).toEqual({ status: 200, body: { data: 'OK', order: expect.any(Number) } });
    return String(result.body.order);
  },
  async hummingbot(svc, user) {
    const result = await placeTrade(svc, basic(user), marketOrder({ amount: 0.5 }));
    expect({ status: result.status, body: result.body }).toEqual({ status: 201, body: expect.objectContaining({ order_type: 'MARKET', amount: '0.5', status: 'submitted' }) });
    return result.body.order_id;
  },
  async metaapi(svc, user) {
    const result = await svc.http('POST', `/users/current/accounts/${user.accountId}/trade`, {
      headers: { 'auth-token': user.token },
      body: { actionType: 'ORDER_TYPE_BUY', symbol: 'BTCUSD', volume: 0.5 },
    });
    expect({ status: result.status, code: result.body?.stringCode }).toEqual({ status: 200, code: 'TRADE_RETCODE_DONE' });
    return String(result.body.orderId ?? result.body.positionId);
  },
};

const DIALECTS = Object.keys(TRADE) as Dialect[];

/** The PositionOpened data without what legitimately differs per account: its ids and time. */
function comparable(data: Record<string, unknown>) {
  const { accountId: _a, orderId: _o, openTime: _t, ...rest } = data;
  return rest;
}

/** An open-order row without its ids and time. */
function row(order: Record<string, unknown>) {
  const { orderId: _o, accountId: _a, openTime: _t, ...rest } = order;
  return rest;
}

describe('the same trade through every dialect', () => {
  describe('four users with the same demo balance, BTCUSD quoted 41990/42000 once', () => {
    const users = {} as Record<Dialect, TestUser>;
    const orders = {} as Record<Dialect, string>;

    beforeAll(async () => {
      const svc = service();
      for (const dialect of DIALECTS) users[dialect] = await svc.signup();
      await svc.tick('BTCUSD', 41990, 42000);
      for (const dialect of DIALECTS) orders[dialect] = await TRADE[dialect](svc, users[dialect]);
    });

    it('records, after the sign-up, exactly one PositionOpened per account, under the order id each dialect answered', () => {
      const svc = service();
      for (const dialect of DIALECTS) {
        const events = accountEvents(svc, users[dialect].accountId);
        expect({ dialect, types: events.map((e) => e.type) }).toEqual({ dialect, types: ['AccountOpened', 'BalanceChanged', 'PositionOpened'] });
        expect({ dialect, orderId: String(events[2]!.data.orderId) }).toEqual({ dialect, orderId: orders[dialect] });
      }
    });

    it('records the same PositionOpened data apart from ids and times: BUY 0.5 at 42000, leverage 100, margin 210', () => {
      const svc = service();
      const opened = Object.fromEntries(DIALECTS.map((d) => [d, comparable(accountEvents(svc, users[d].accountId).find((e) => e.type === 'PositionOpened')!.data)]));

      expect(opened['api/v1']).toMatchObject({ symbol: 'BTCUSD', side: 'BUY', volume: '0.5', openPrice: '42000', leverage: 100, margin: '210', orderType: 'MARKET' });
      for (const dialect of DIALECTS) expect({ dialect, data: opened[dialect] }).toEqual({ dialect, data: opened['api/v1'] });
    });

    it('shows the same row on GET /api/v1/trade/open and the same account figures for each', async () => {
      const svc = service();
      const rows = Object.fromEntries(await Promise.all(DIALECTS.map(async (d) => [d, (await openOrders(svc, users[d])).map(row)] as const)));
      const accounts = Object.fromEntries(
        await Promise.all(DIALECTS.map(async (d) => [d, (({ balance, equity, margin, freeMargin, marginLevel }) => ({ balance, equity, margin, freeMargin, marginLevel }))(await account(svc, users[d]))] as const)),
      );

      expect(rows['api/v1']).toEqual([expect.objectContaining({ symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 100, openPrice: 42000, margin: 210, status: 'OPEN' })]);
      for (const dialect of DIALECTS) {
        expect({ dialect, rows: rows[dialect] }).toEqual({ dialect, rows: rows['api/v1'] });
        expect({ dialect, account: accounts[dialect] }).toEqual({ dialect, account: accounts['api/v1'] });
      }
    });
  });
});
