/**
 * The MetaApi dialect (seed 004) against the running service: every request example of the seed's
 * trade page sent as the seed sends it (`auth-token`, `Content-Type`, `Accept` headers, the body
 * byte for byte with our ids), the reads a MetaApi client uses, history orders and deals, trade
 * rejections as 200s with MetaTrader 5's codes, and the 400 / 401 / 404 error paths in MetaApi's
 * error shape with the engine state left as it was.
 *
 * Prices are set by hand (PRICE_FEED=manual). AUDNZD profits and margins are in NZD and converted to
 * USD at NZDUSD's mid price: every test quotes NZDUSD 0.6000 / 0.6002, mid 0.6001. The demo group
 * has leverage 1:100 and no commission. Every expected number is worked out in a comment.
 */
import { jest } from '@jest/globals';
import { useService, type Quote, type TestUser } from '../support/service.js';
import { DIGITS, ISO_UTC } from '../support/trading.js';

jest.setTimeout(30_000);

const service = useService();

// ---------------------------------------------------------------------------------------------
// Seed 004's request bodies, byte for byte; only the ids are ours.

const SEED_MARKET_SELL = `{
"actionType": "ORDER_TYPE_SELL",
"symbol":"AUDNZD",
"volume": 0.01,
"takeProfit": 1.03
}`;
const SEED_BUY_LIMIT = `{
"actionType": "ORDER_TYPE_BUY_LIMIT",
"symbol":"AUDNZD",
"volume": 0.01,
"openPrice": 1.03
}`;
const seedPositionModify = (positionId: string) => `{
"actionType": "POSITION_MODIFY",
"positionId":"${positionId}",
"takeProfit": 1.06
}`;
const seedPositionPartial = (positionId: string) => `{
"actionType": "POSITION_PARTIAL",
"positionId":"${positionId}",
"volume": 0.01
}`;
const seedPositionCloseId = (positionId: string) => `{
"actionType": "POSITION_CLOSE_ID",
"positionId":"${positionId}"
}`;
const SEED_CLOSE_SYMBOL = `{
"actionType": "POSITIONS_CLOSE_SYMBOL",
"symbol": "AUDNZD"
}`;
const seedOrderModify = (orderId: string) => `{
"actionType": "ORDER_MODIFY",
"orderId":"${orderId}",
"openPrice": 1.03,
"stopLoss": 1.05
}`;
const seedOrderCancel = (orderId: string) => `{
"actionType": "ORDER_CANCEL",
"orderId":"${orderId}"
}`;

// ---------------------------------------------------------------------------------------------
// A small MetaApi client.

const DONE = { numericCode: 10009, stringCode: 'TRADE_RETCODE_DONE', message: 'Request completed' } as const;
const ALL_TIME = 'time/2000-01-01T00:00:00.000Z/2100-01-01T00:00:00.000Z';

const accountPath = (accountId: string) => `/users/current/accounts/${accountId}`;

/** The seed's three headers. */
const seedHeaders = (token: string) => ({ 'auth-token': token, 'Content-Type': 'application/json', Accept: 'application/json' });

function trade(user: TestUser, body: string | object, accountId = user.accountId) {
  return service().http('POST', `${accountPath(accountId)}/trade`, { body, headers: seedHeaders(user.token) });
}

function read(user: TestUser, path: string, accountId = user.accountId) {
  return service().http('GET', `${accountPath(accountId)}/${path}`, { headers: { 'auth-token': user.token, Accept: 'application/json' } });
}

/** A read that must answer 200. */
async function readOk(user: TestUser, path: string): Promise<any> {
  const result = await read(user, path);
  if (result.status !== 200) throw new Error(`GET ${path} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

/** A trade that must be done; returns its answer. */
async function done(user: TestUser, body: string | object): Promise<{ orderId?: string; positionId?: string }> {
  const result = await trade(user, body);
  if (result.status !== 200 || result.body.numericCode !== 10009) {
    throw new Error(`trade ${typeof body === 'string' ? body : JSON.stringify(body)} answered ${result.status} ${JSON.stringify(result.body)}`);
  }
  return result.body;
}

const NZDUSD: Quote = { symbol: 'NZDUSD', bid: 0.6, ask: 0.6002 };

/** AUDNZD at bid/ask, and NZDUSD at 0.6000/0.6002 (mid 0.6001) to convert NZD into USD. */
function quoteAudnzd(bid: number, ask: number): Promise<void> {
  return service().ticks([{ symbol: 'AUDNZD', bid, ask }, NZDUSD]);
}

/** Everything a refused request must leave as it was. */
async function engineState(user: TestUser) {
  return {
    information: await readOk(user, 'account-information'),
    positions: await readOk(user, 'positions'),
    orders: await readOk(user, 'orders'),
    historyOrders: await readOk(user, `history-orders/${ALL_TIME}`),
    deals: await readOk(user, `history-deals/${ALL_TIME}`),
  };
}

const brokerTimeOf = (iso: string) => iso.replace('T', ' ').slice(0, 23);

/** The token with one character of its signature changed. */
function tamper(token: string): string {
  const at = token.length - 10;
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
}

describe('MetaApi dialect (seed 004)', () => {
  describe('AUDNZD is quoted 1.04000 / 1.04020 (the seed examples)', () => {
    it('executes the ORDER_TYPE_SELL example: 200 DONE with a string orderId, and the position opens at the bid', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);

      const result = await trade(user, SEED_MARKET_SELL);

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ ...DONE, orderId: expect.stringMatching(DIGITS) });
      const positions = await readOk(user, 'positions');
      expect(positions).toEqual([
        {
          id: result.body.orderId, // a market order's position has the order's id
          platform: 'mt5',
          type: 'POSITION_TYPE_SELL',
          symbol: 'AUDNZD',
          magic: 0,
          time: expect.stringMatching(ISO_UTC),
          brokerTime: brokerTimeOf(positions[0].time),
          updateTime: positions[0].time,
          openPrice: 1.04, // a SELL opens at the bid
          currentPrice: 1.0402, // and is valued at the ask
          currentTickValue: 0.6001, // 0.00001 × 100000 = 1 NZD per point and lot, × 0.6001
          takeProfit: 1.03,
          volume: 0.01,
          swap: 0,
          profit: -0.12, // (1.04 − 1.0402) × 0.01 × 100000 = −0.2 NZD × 0.6001 = −0.12002 → −0.12
          unrealizedProfit: -0.12,
          realizedProfit: 0,
          commission: 0,
          unrealizedCommission: 0,
          realizedCommission: 0,
          unrealizedSwap: 0,
          realizedSwap: 0,
          reason: 'POSITION_REASON_EXPERT',
          accountCurrencyExchangeRate: 1,
        },
      ]);
      expect(await readOk(user, `positions/${result.body.orderId}`)).toEqual(positions[0]);
    });

    it('executes the ORDER_TYPE_BUY_LIMIT example: 200 DONE with a string orderId, and the order rests', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);

      const result = await trade(user, SEED_BUY_LIMIT);

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ ...DONE, orderId: expect.stringMatching(DIGITS) });
      const orders = await readOk(user, 'orders');
      expect(orders).toEqual([
        {
          id: result.body.orderId,
          platform: 'mt5',
          type: 'ORDER_TYPE_BUY_LIMIT',
          state: 'ORDER_STATE_PLACED',
          magic: 0,
          time: expect.stringMatching(ISO_UTC),
          brokerTime: brokerTimeOf(orders[0].time),
          symbol: 'AUDNZD',
          openPrice: 1.03,
          currentPrice: 1.0402, // a buy order would open at the ask
          volume: 0.01,
          currentVolume: 0.01,
          reason: 'ORDER_REASON_EXPERT',
          fillingMode: 'ORDER_FILLING_RETURN',
          expirationType: 'ORDER_TIME_GTC',
          accountCurrencyExchangeRate: 1,
        },
      ]);
      expect(await readOk(user, `orders/${result.body.orderId}`)).toEqual(orders[0]);
      expect(await readOk(user, 'positions')).toEqual([]);
    });

    it('executes the POSITION_MODIFY example: 200 DONE with the positionId; the new take profit is set and the stop loss kept', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const { orderId: positionId } = await done(user, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.1, stopLoss: 1.0 });

      const result = await trade(user, seedPositionModify(positionId!));

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ ...DONE, positionId });
      // A BUY's take profit must be above the bid (1.06 > 1.04); the absent stopLoss keeps 1.0.
      expect(await readOk(user, `positions/${positionId}`)).toMatchObject({ id: positionId, takeProfit: 1.06, stopLoss: 1.0 });
    });

    it('executes the ORDER_MODIFY example on a SELL_LIMIT: 200 DONE with the orderId; the absent take profit is kept', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.02, 1.0202);
      const { orderId } = await done(user, {
        actionType: 'ORDER_TYPE_SELL_LIMIT',
        symbol: 'AUDNZD',
        volume: 0.01,
        openPrice: 1.025,
        takeProfit: 1.01,
      });

      const result = await trade(user, seedOrderModify(orderId!));

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ ...DONE, orderId });
      // A sell limit above the bid (1.03 > 1.02); its stop loss above its entry (1.05 > 1.03), its take profit below (1.01).
      expect(await readOk(user, `orders/${orderId}`)).toMatchObject({
        id: orderId,
        type: 'ORDER_TYPE_SELL_LIMIT',
        openPrice: 1.03,
        stopLoss: 1.05,
        takeProfit: 1.01,
      });
    });

    it('answers the ORDER_MODIFY example on a BUY_LIMIT with 200 and 10016 INVALID_STOPS (a BUY stop loss above its entry) and leaves the order as it was', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const { orderId } = await done(user, SEED_BUY_LIMIT);
      const before = await readOk(user, `orders/${orderId}`);

      const result = await trade(user, seedOrderModify(orderId!));

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ numericCode: 10016, stringCode: 'TRADE_RETCODE_INVALID_STOPS', message: 'Invalid stops in the request' });
      expect(await readOk(user, `orders/${orderId}`)).toEqual(before);
    });

    it('executes the ORDER_CANCEL example: 200 DONE with the orderId; the order leaves the pending list for the history as cancelled', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const { orderId } = await done(user, SEED_BUY_LIMIT);

      const result = await trade(user, seedOrderCancel(orderId!));

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ ...DONE, orderId });
      expect(await readOk(user, 'orders')).toEqual([]);
      expect((await read(user, `orders/${orderId}`)).status).toBe(404);
      const history = await readOk(user, `history-orders/${ALL_TIME}`);
      expect(history).toEqual([
        expect.objectContaining({
          id: orderId,
          type: 'ORDER_TYPE_BUY_LIMIT',
          state: 'ORDER_STATE_CANCELED',
          openPrice: 1.03,
          volume: 0.01,
          currentVolume: 0.01, // nothing of it filled
          doneTime: expect.stringMatching(ISO_UTC),
        }),
      ]);
      expect(history[0]).not.toHaveProperty('positionId');
    });
  });

  describe('a BUY of 0.1 lot AUDNZD is open at 1.04020 and the bid rose to 1.04500', () => {
    async function openedAndRisen(): Promise<{ user: TestUser; positionId: string }> {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      // Margin: 0.1 × 100000 × 1.0402 = 10402 NZD × 0.6001 = 6242.2402 USD / 100 = 62.42.
      const { orderId } = await done(user, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.1, clientId: 'grid-1', comment: 'open', magic: 42 });
      await quoteAudnzd(1.045, 1.0452);
      return { user, positionId: orderId! };
    }

    it('executes the POSITION_PARTIAL example: 200 DONE with orderId and positionId; 0.09 lot stays open with the realized part booked', async () => {
      const { user, positionId } = await openedAndRisen();

      const result = await trade(user, seedPositionPartial(positionId));

      expect(result.status).toBe(200);
      // The close has no ticket of its own: it is reported under the position's ticket.
      expect(result.body).toEqual({ ...DONE, orderId: positionId, positionId });
      expect(await readOk(user, `positions/${positionId}`)).toMatchObject({
        id: positionId,
        volume: 0.09,
        openPrice: 1.0402,
        currentPrice: 1.045,
        clientId: 'grid-1',
        comment: 'open',
        magic: 42,
        // closed 0.01: (1.045 − 1.0402) × 0.01 × 100000 = 4.8 NZD × 0.6001 = 2.88048 → 2.88
        realizedProfit: 2.88,
        // open 0.09: (1.045 − 1.0402) × 0.09 × 100000 = 43.2 NZD × 0.6001 = 25.92432 → 25.92
        unrealizedProfit: 25.92,
        profit: 28.8, // 25.92 + 2.88
      });
      expect(await readOk(user, 'account-information')).toMatchObject({
        balance: 10002.88, // 10000 + 2.88
        equity: 10028.8, // 10002.88 + 25.92
        margin: 56.18, // 62.42 − 62.42 × 0.01 / 0.1 = 62.42 − 6.24
        freeMargin: 9972.62, // 10028.80 − 56.18
        marginLevel: 17851.19, // 10028.80 / 56.18 × 100 = 17851.1926…
      });
    });

    it('executes the POSITION_CLOSE_ID example: 200 DONE with orderId and positionId; the position is gone and its profit booked', async () => {
      const { user, positionId } = await openedAndRisen();

      const result = await trade(user, seedPositionCloseId(positionId));

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ ...DONE, orderId: positionId, positionId });
      expect(await readOk(user, 'positions')).toEqual([]);
      expect((await read(user, `positions/${positionId}`)).status).toBe(404);
      // (1.045 − 1.0402) × 0.1 × 100000 = 48 NZD × 0.6001 = 28.8048 → 28.80
      expect(await readOk(user, 'account-information')).toMatchObject({ balance: 10028.8, equity: 10028.8, margin: 0, freeMargin: 10028.8 });
    });

    it('puts the clientId and comment of a POSITION_CLOSE_ID on its closing deal', async () => {
      const { user, positionId } = await openedAndRisen();

      await done(user, { actionType: 'POSITION_CLOSE_ID', positionId, clientId: 'exit-7', comment: 'tp by hand' });

      const deals = await readOk(user, `history-deals/${ALL_TIME}`);
      const out = deals.find((d: any) => d.entryType === 'DEAL_ENTRY_OUT');
      expect(out).toMatchObject({ positionId, clientId: 'exit-7', comment: 'tp by hand', profit: 28.8 });
    });

    it('lists the history after a partial close, a full close and a cancelled order, with hand-checked deals', async () => {
      const { user, positionId } = await openedAndRisen();
      const { orderId: limitId } = await done(user, SEED_BUY_LIMIT);
      await done(user, seedPositionPartial(positionId));
      await done(user, seedOrderCancel(limitId!));
      await done(user, seedPositionCloseId(positionId));

      const deals = await readOk(user, `history-deals/${ALL_TIME}`);
      const historyOrders = await readOk(user, `history-orders/${ALL_TIME}`);

      expect(deals.map((d: any) => [d.type, d.entryType, d.volume, d.price, d.profit, d.commission, d.positionId, d.orderId])).toEqual([
        ['DEAL_TYPE_BALANCE', undefined, undefined, undefined, 10000, 0, undefined, undefined],
        ['DEAL_TYPE_BUY', 'DEAL_ENTRY_IN', 0.1, 1.0402, 0, 0, positionId, positionId],
        ['DEAL_TYPE_SELL', 'DEAL_ENTRY_OUT', 0.01, 1.045, 2.88, 0, positionId, positionId], // 4.8 NZD × 0.6001
        ['DEAL_TYPE_SELL', 'DEAL_ENTRY_OUT', 0.09, 1.045, 25.92, 0, positionId, positionId], // 43.2 NZD × 0.6001
      ]);
      expect(deals[0]).toMatchObject({ comment: 'Initial deposit', platform: 'mt5' });
      expect(deals[1]).toMatchObject({ clientId: 'grid-1', comment: 'open', magic: 42, reason: 'DEAL_REASON_EXPERT', symbol: 'AUDNZD' });
      for (const deal of deals) {
        expect(deal.id).toMatch(DIGITS);
        expect(deal.brokerTime).toBe(brokerTimeOf(deal.time));
      }
      const ids = deals.map((d: any) => Number(d.id));
      expect([...ids].sort((a, b) => a - b)).toEqual(ids); // deal ids increase with time here
      // The deposit and the profits add up to the balance: 10000 + 2.88 + 25.92.
      expect((await readOk(user, 'account-information')).balance).toBe(10028.8);

      expect(historyOrders).toEqual([
        expect.objectContaining({
          id: positionId,
          type: 'ORDER_TYPE_BUY',
          state: 'ORDER_STATE_FILLED',
          openPrice: 1.0402,
          currentPrice: 1.0402,
          volume: 0.1,
          currentVolume: 0,
          positionId,
          clientId: 'grid-1',
          comment: 'open',
          magic: 42,
          fillingMode: 'ORDER_FILLING_FOK',
        }),
        expect.objectContaining({ id: limitId, type: 'ORDER_TYPE_BUY_LIMIT', state: 'ORDER_STATE_CANCELED', openPrice: 1.03, currentVolume: 0.01 }),
      ]);
    });

    it('answers only the history within [startTime, endTime), paged by offset and limit', async () => {
      const { user, positionId } = await openedAndRisen();
      await done(user, seedPositionPartial(positionId));
      const all = await readOk(user, `history-deals/${ALL_TIME}`);
      expect(all.map((d: any) => d.type)).toEqual(['DEAL_TYPE_BALANCE', 'DEAL_TYPE_BUY', 'DEAL_TYPE_SELL']);

      const [, opening, partial] = all;
      const within = (from: string, to: string) => all.filter((d: any) => d.time >= from && d.time < to).map((d: any) => d.id);

      // From the opening deal's time (inclusive) to the partial close's time (exclusive): the opening only.
      const upToPartial = await readOk(user, `history-deals/time/${opening.time}/${partial.time}`);
      expect(upToPartial.map((d: any) => d.id)).toEqual(within(opening.time, partial.time));
      expect(upToPartial.map((d: any) => d.id)).not.toContain(partial.id);
      if (partial.time > opening.time) expect(upToPartial.map((d: any) => d.id)).toEqual([opening.id]);
      // From the partial close's time on: it is included.
      const fromPartial = await readOk(user, `history-deals/time/${partial.time}/2100-01-01T00:00:00.000Z`);
      expect(fromPartial.map((d: any) => d.id)).toEqual([partial.id]);

      expect((await readOk(user, `history-deals/${ALL_TIME}?offset=1&limit=2`)).map((d: any) => d.id)).toEqual(all.slice(1, 3).map((d: any) => d.id));
      expect(await readOk(user, 'history-deals/time/2000-01-01T00:00:00.000Z/2000-01-02T00:00:00.000Z')).toEqual([]);
      expect((await readOk(user, `history-orders/${ALL_TIME}?limit=1`)).map((o: any) => o.id)).toEqual([positionId]);
    });
  });

  describe('a BUY_LIMIT at 1.03000 rests while the ask is 1.04020', () => {
    it('fills when a tick brings the ask to 1.02970: the position has the order id and the history shows the fill', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const { orderId } = await done(user, SEED_BUY_LIMIT);

      await quoteAudnzd(1.0295, 1.0297);

      expect(await readOk(user, 'orders')).toEqual([]);
      const position = await readOk(user, `positions/${orderId}`);
      // A triggered entry fills at the market price that reached it: the ask, 1.0297.
      expect(position).toMatchObject({ id: orderId, type: 'POSITION_TYPE_BUY', openPrice: 1.0297, volume: 0.01, currentPrice: 1.0295 });
      expect(await readOk(user, `history-orders/${ALL_TIME}`)).toEqual([
        expect.objectContaining({
          id: orderId,
          type: 'ORDER_TYPE_BUY_LIMIT',
          state: 'ORDER_STATE_FILLED',
          openPrice: 1.03,
          currentPrice: 1.0297,
          currentVolume: 0,
          positionId: orderId,
        }),
      ]);
      const deals = await readOk(user, `history-deals/${ALL_TIME}`);
      expect(deals[deals.length - 1]).toMatchObject({ type: 'DEAL_TYPE_BUY', entryType: 'DEAL_ENTRY_IN', price: 1.0297, volume: 0.01, positionId: orderId, orderId });
    });
  });

  describe('a BUY_STOP_LIMIT with its stop at 1.04500 and its limit at 1.04400', () => {
    it('rests as a stop-limit, turns into a limit when the ask reaches the stop, and fills when the ask comes down to the limit', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);

      const placed = await trade(user, {
        actionType: 'ORDER_TYPE_BUY_STOP_LIMIT',
        symbol: 'AUDNZD',
        volume: 0.02,
        openPrice: 1.045,
        stopLimitPrice: 1.044,
        expiration: { type: 'ORDER_TIME_GTC' },
        clientId: 'sl-1',
      });

      expect(placed.status).toBe(200);
      expect(placed.body).toEqual({ ...DONE, orderId: expect.stringMatching(DIGITS) });
      const orderId = placed.body.orderId;
      expect(await readOk(user, `orders/${orderId}`)).toMatchObject({
        type: 'ORDER_TYPE_BUY_STOP_LIMIT',
        openPrice: 1.045,
        stopLimitPrice: 1.044,
        clientId: 'sl-1',
        expirationType: 'ORDER_TIME_GTC',
      });

      await quoteAudnzd(1.045, 1.0452); // the ask passes the stop: a limit at 1.044 now rests
      expect(await readOk(user, `orders/${orderId}`)).toMatchObject({ type: 'ORDER_TYPE_BUY_LIMIT', openPrice: 1.044 });
      expect(await readOk(user, 'positions')).toEqual([]);

      await quoteAudnzd(1.0438, 1.044); // the ask is back at the limit
      expect(await readOk(user, `positions/${orderId}`)).toMatchObject({ type: 'POSITION_TYPE_BUY', openPrice: 1.044, volume: 0.02, clientId: 'sl-1' });
    });
  });

  describe('a pending order with an expiration', () => {
    it('shows ORDER_TIME_SPECIFIED with its time, then expires into the history as ORDER_STATE_EXPIRED', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const expiresAt = new Date(Date.now() + 1_500).toISOString();

      const { orderId } = await done(user, {
        actionType: 'ORDER_TYPE_SELL_STOP',
        symbol: 'AUDNZD',
        volume: 0.01,
        openPrice: 1.03, // a sell stop below the bid
        expiration: { type: 'ORDER_TIME_SPECIFIED', time: expiresAt },
      });
      expect(await readOk(user, `orders/${orderId}`)).toMatchObject({ expirationType: 'ORDER_TIME_SPECIFIED', expirationTime: expiresAt });

      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await quoteAudnzd(1.04, 1.0402); // a tick after the expiry time

      expect(await readOk(user, 'orders')).toEqual([]);
      expect(await readOk(user, `history-orders/${ALL_TIME}`)).toEqual([
        expect.objectContaining({ id: orderId, type: 'ORDER_TYPE_SELL_STOP', state: 'ORDER_STATE_EXPIRED', expirationTime: expiresAt }),
      ]);
    });

    it('answers an expiration time in the past with 200 and 10022 INVALID_EXPIRATION, placing nothing', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);

      const result = await trade(user, {
        ...JSON.parse(SEED_BUY_LIMIT),
        expiration: { type: 'ORDER_TIME_SPECIFIED', time: '2020-01-01T00:00:00.000Z' },
      });

      expect(result.status).toBe(200);
      expect(result.body).toEqual({
        numericCode: 10022,
        stringCode: 'TRADE_RETCODE_INVALID_EXPIRATION',
        message: 'Invalid order expiration date in the request',
      });
      expect(await readOk(user, 'orders')).toEqual([]);
    });
  });

  describe('two AUDNZD positions and one EURUSD position are open', () => {
    it('executes the POSITIONS_CLOSE_SYMBOL example: 200 DONE naming the last position closed; only EURUSD stays open', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.ticks([{ symbol: 'AUDNZD', bid: 1.04, ask: 1.0402 }, NZDUSD, { symbol: 'EURUSD', bid: 1.1, ask: 1.1002 }]);
      const { orderId: first } = await done(user, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01 });
      const { orderId: second } = await done(user, { actionType: 'ORDER_TYPE_SELL', symbol: 'AUDNZD', volume: 0.02 });
      const { orderId: euro } = await done(user, { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.01 });

      const result = await trade(user, SEED_CLOSE_SYMBOL);

      expect(result.status).toBe(200);
      // Positions close oldest first; the answer names the last one closed.
      expect(result.body).toEqual({ ...DONE, orderId: second, positionId: second });
      expect((await readOk(user, 'positions')).map((p: any) => p.id)).toEqual([euro]);
      const outs = (await readOk(user, `history-deals/${ALL_TIME}`)).filter((d: any) => d.entryType === 'DEAL_ENTRY_OUT');
      expect(outs.map((d: any) => [d.positionId, d.type])).toEqual([
        [first, 'DEAL_TYPE_SELL'],
        [second, 'DEAL_TYPE_BUY'],
      ]);
    });

    it('answers POSITIONS_CLOSE_SYMBOL with 200 and 10036 POSITION_CLOSED when nothing is open on the symbol', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);

      const result = await trade(user, SEED_CLOSE_SYMBOL);

      expect(result.status).toBe(200);
      expect(result.body).toEqual({
        numericCode: 10036,
        stringCode: 'TRADE_RETCODE_POSITION_CLOSED',
        message: 'Position with the specified identifier has already been closed',
      });
    });
  });

  describe('a trade the engine refuses', () => {
    it.each<[string, Record<string, unknown>, { numericCode: number; stringCode: string; message: string }]>([
      [
        'a volume whose margin exceeds the free margin (100 lots: 100 × 100000 × 1.0402 × 0.6001 / 100 = 62422.40 USD > 10000)',
        { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 100 },
        { numericCode: 10019, stringCode: 'TRADE_RETCODE_NO_MONEY', message: 'There is not enough money to complete the request' },
      ],
      [
        'a volume off the 0.01 step',
        { actionType: 'ORDER_TYPE_SELL', symbol: 'AUDNZD', volume: 0.015 },
        { numericCode: 10014, stringCode: 'TRADE_RETCODE_INVALID_VOLUME', message: 'Invalid volume in the request' },
      ],
      [
        'a volume above the 100-lot maximum',
        { actionType: 'ORDER_TYPE_SELL', symbol: 'AUDNZD', volume: 101 },
        { numericCode: 10014, stringCode: 'TRADE_RETCODE_INVALID_VOLUME', message: 'Invalid volume in the request' },
      ],
      [
        "a BUY whose take profit is below the bid",
        { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, takeProfit: 1.03 },
        { numericCode: 10016, stringCode: 'TRADE_RETCODE_INVALID_STOPS', message: 'Invalid stops in the request' },
      ],
      [
        'a symbol nobody quoted yet',
        { actionType: 'ORDER_TYPE_BUY', symbol: 'SOLUSD', volume: 0.01 },
        { numericCode: 10021, stringCode: 'TRADE_RETCODE_PRICE_OFF', message: 'There are no quotes to process the request' },
      ],
      [
        'a symbol the broker does not trade',
        { actionType: 'ORDER_TYPE_BUY', symbol: 'FOOBAR', volume: 0.01 },
        { numericCode: 10013, stringCode: 'TRADE_RETCODE_INVALID', message: 'Invalid request' },
      ],
      [
        'a BUY_LIMIT above the ask',
        { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.05 },
        { numericCode: 10015, stringCode: 'TRADE_RETCODE_INVALID_PRICE', message: 'Invalid price in the request' },
      ],
      [
        'closing a position that does not exist',
        { actionType: 'POSITION_CLOSE_ID', positionId: '999999999' },
        { numericCode: 10036, stringCode: 'TRADE_RETCODE_POSITION_CLOSED', message: 'Position with the specified identifier has already been closed' },
      ],
      [
        'cancelling an order that does not exist',
        { actionType: 'ORDER_CANCEL', orderId: '999999999' },
        { numericCode: 10035, stringCode: 'TRADE_RETCODE_INVALID_ORDER', message: 'invalid order' },
      ],
    ])('answers %s with 200 and its result code, and changes nothing', async (_name, body, expected) => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const before = await engineState(user);

      const result = await trade(user, body);

      expect(result.status).toBe(200);
      expect(result.body).toEqual(expected);
      expect(await engineState(user)).toEqual(before);
    });

    it('answers a partial close larger than the position with 200 and 10038 INVALID_CLOSE_VOLUME, leaving the position whole', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const { orderId } = await done(user, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01 });

      const result = await trade(user, { actionType: 'POSITION_PARTIAL', positionId: orderId, volume: 0.02 });

      expect(result.status).toBe(200);
      expect(result.body).toEqual({
        numericCode: 10038,
        stringCode: 'TRADE_RETCODE_INVALID_CLOSE_VOLUME',
        message: 'A close volume exceeds the current position volume',
      });
      expect(await readOk(user, `positions/${orderId}`)).toMatchObject({ volume: 0.01 });
    });

    it('accepts slippage in points and every filling mode on a market order', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);

      const result = await trade(user, {
        actionType: 'ORDER_TYPE_BUY',
        symbol: 'AUDNZD',
        volume: 0.01,
        slippage: 0, // the price the API quoted is the price the engine fills at here
        fillingModes: ['ORDER_FILLING_IOC', 'ORDER_FILLING_FOK', 'ORDER_FILLING_RETURN'],
      });

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ ...DONE, orderId: expect.stringMatching(DIGITS) });
    });
  });

  describe('an account with a position and a pending order receives an invalid payload', () => {
    let user: TestUser;
    let positionId: string;
    let orderId: string;

    beforeAll(async () => {
      const svc = service();
      user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      positionId = (await done(user, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01 })).orderId!;
      orderId = (await done(user, SEED_BUY_LIMIT)).orderId!;
    });

    it.each<[string, () => unknown, string]>([
      ['an unknown actionType', () => ({ actionType: 'ORDER_TYPE_BUY_MARKET', symbol: 'AUDNZD', volume: 0.01 }), 'actionType'],
      ['no actionType', () => ({ symbol: 'AUDNZD', volume: 0.01 }), 'actionType'],
      ['a filling mode outside the enum', () => ({ actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, fillingModes: ['ORDER_FILLING_ALL'] }), 'fillingModes'],
      ['an expiration type outside the enum', () => ({ ...JSON.parse(SEED_BUY_LIMIT), expiration: { type: 'ORDER_TIME_WEEK' } }), 'expiration.type'],
      ['ORDER_TIME_SPECIFIED without a time', () => ({ ...JSON.parse(SEED_BUY_LIMIT), expiration: { type: 'ORDER_TIME_SPECIFIED' } }), 'expiration.time'],
      ['a negative volume', () => ({ actionType: 'ORDER_TYPE_SELL', symbol: 'AUDNZD', volume: -0.01 }), 'volume'],
      ['a zero volume', () => ({ actionType: 'ORDER_TYPE_SELL', symbol: 'AUDNZD', volume: 0 }), 'volume'],
      ['a volume that is not a number', () => ({ actionType: 'ORDER_TYPE_SELL', symbol: 'AUDNZD', volume: '0.01' }), 'volume'],
      ['a negative partial-close volume', () => ({ actionType: 'POSITION_PARTIAL', positionId, volume: -1 }), 'volume'],
      [
        'a comment and clientId longer than 26 together (20 + 7)',
        () => ({ actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, comment: 'c'.repeat(20), clientId: 'k'.repeat(7) }),
        'clientId',
      ],
      ['a negative slippage', () => ({ actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, slippage: -1 }), 'slippage'],
      ['a negative stop loss', () => ({ actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, stopLoss: -1 }), 'stopLoss'],
      ['a limit order without openPrice', () => ({ actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'AUDNZD', volume: 0.01 }), 'openPrice'],
      ['a stop-limit order without stopLimitPrice', () => ({ actionType: 'ORDER_TYPE_BUY_STOP_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.05 }), 'stopLimitPrice'],
      ['a field the action does not have (fillingModes on a pending order)', () => ({ ...JSON.parse(SEED_BUY_LIMIT), fillingModes: ['ORDER_FILLING_FOK'] }), 'fillingModes'],
      ['an unknown field', () => ({ actionType: 'POSITION_CLOSE_ID', positionId, leverage: 500 }), 'leverage'],
      ['a positionId that is not a ticket', () => ({ actionType: 'POSITION_CLOSE_ID', positionId: 'abc' }), 'positionId'],
      ['a numeric orderId (MetaApi sends tickets as strings)', () => ({ actionType: 'ORDER_CANCEL', orderId: Number(orderId) }), 'orderId'],
      ['a JSON array', () => [{ actionType: 'ORDER_CANCEL', orderId }], 'body'],
    ])('answers %s with 400 ValidationError naming the parameter, and changes nothing', async (_name, body, parameter) => {
      const before = await engineState(user);

      const result = await trade(user, body() as object);

      expect(result.status).toBe(400);
      expect(result.body).toEqual({
        id: 1,
        error: 'ValidationError',
        message: 'Validation failed',
        details: expect.arrayContaining([expect.objectContaining({ parameter, message: expect.any(String) })]),
      });
      expect(await engineState(user)).toEqual(before);
    });

    it('echoes the invalid value in the details', async () => {
      const result = await trade(user, { actionType: 'ORDER_TYPE_SELL', symbol: 'AUDNZD', volume: -0.01 });

      expect(result.body.details).toEqual([{ parameter: 'volume', value: -0.01, message: 'volume must be greater than 0' }]);
    });

    it('answers a body that is not JSON with 400 in the same shape, and changes nothing', async () => {
      const before = await engineState(user);

      const result = await trade(user, '{"actionType": "ORDER_TYPE_BUY", "symbol": "AUDNZD", ');

      expect(result.status).toBe(400);
      expect(result.body).toEqual({ id: 1, error: 'ValidationError', message: expect.any(String) });
      expect(await engineState(user)).toEqual(before);
    });
  });

  describe('credentials', () => {
    let user: TestUser;

    beforeAll(async () => {
      user = await service().signup();
      await quoteAudnzd(1.04, 1.0402);
    });

    it.each<[string, (token: string) => Record<string, string>]>([
      ['no credentials', () => ({})],
      ['a garbage auth-token', () => ({ 'auth-token': 'not-a-jwt' })],
      ['the token with a Bearer prefix inside auth-token', (token) => ({ 'auth-token': `Bearer ${token}` })],
      ['an unknown Authorization scheme', (token) => ({ authorization: `Token ${token}` })],
      ['a token whose signature was tampered with', (token) => ({ 'auth-token': tamper(token) })],
    ])('answers %s with 401 UnauthorizedError, placing nothing', async (_name, credentials) => {
      const svc = service();
      const headers = { ...credentials(user.token), 'Content-Type': 'application/json', Accept: 'application/json' };

      const result = await svc.http('POST', `${accountPath(user.accountId)}/trade`, { body: SEED_MARKET_SELL, headers });
      const reads = await svc.http('GET', `${accountPath(user.accountId)}/positions`, { headers });

      expect(result.status).toBe(401);
      expect(result.body).toEqual({ id: 1, error: 'UnauthorizedError', message: expect.any(String) });
      expect(reads.status).toBe(401);
      expect(reads.body).toEqual({ id: 1, error: 'UnauthorizedError', message: expect.any(String) });
      expect(await readOk(user, 'positions')).toEqual([]);
      expect(await readOk(user, `history-orders/${ALL_TIME}`)).toEqual([]);
    });

    it('also accepts the token as Authorization: Bearer', async () => {
      const result = await service().http('GET', `${accountPath(user.accountId)}/account-information`, { token: user.token });

      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ platform: 'mt5', login: Number(user.accountId) });
    });
  });

  describe("another user's account", () => {
    it("answers 404 NotFoundError for every MetaApi route on it, exactly as for an account that does not exist, and changes nothing", async () => {
      const svc = service();
      const owner = await svc.signup();
      const intruder = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const { orderId: positionId } = await done(owner, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01 });
      const before = await engineState(owner);

      for (const accountId of [owner.accountId, '999999999', 'not-an-id']) {
        const attempts = [
          await trade(intruder, SEED_CLOSE_SYMBOL, accountId),
          await trade(intruder, seedPositionCloseId(positionId!), accountId),
          await trade(intruder, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: -1 }, accountId), // invalid too: still a 404
          await read(intruder, 'positions', accountId),
          await read(intruder, `positions/${positionId}`, accountId),
          await read(intruder, 'account-information', accountId),
          await read(intruder, `history-deals/${ALL_TIME}`, accountId),
          await read(intruder, 'symbols/AUDNZD/current-price', accountId),
        ];
        for (const result of attempts) {
          expect({ accountId, status: result.status, body: result.body }).toEqual({
            accountId,
            status: 404,
            body: { id: 1, error: 'NotFoundError', message: `MetaTrader account ${accountId} not found` },
          });
        }
      }
      expect(await engineState(owner)).toEqual(before);
    });

    it("answers a close of another user's position, sent on one's own account, with 200 and 10036 as for a position that does not exist", async () => {
      const svc = service();
      const owner = await svc.signup();
      const intruder = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      const { orderId: positionId } = await done(owner, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01 });

      const result = await trade(intruder, seedPositionCloseId(positionId!));

      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ numericCode: 10036, stringCode: 'TRADE_RETCODE_POSITION_CLOSED' });
      expect(await readOk(owner, `positions/${positionId}`)).toMatchObject({ id: positionId, volume: 0.01 });
      expect((await read(intruder, `positions/${positionId}`)).status).toBe(404);
    });
  });

  describe('an account in a group that charges 7 USD commission per lot', () => {
    it('shows the commission on the position and its opening deal, and reports the account as real', async () => {
      const svc = service();
      const user = await svc.signup();
      const admin = { 'x-admin-token': svc.adminToken };
      const group = `mapi-${Date.now()}`;
      expect((await svc.http('POST', '/api/v1/admin/groups', { headers: admin, body: { name: group, leverage: 100, marginCall: 100, stopOut: 50, commissionPerLot: 7 } })).status).toBe(200);
      expect((await svc.http('POST', `/api/v1/admin/accounts/${user.accountId}/group`, { headers: admin, body: { group } })).status).toBe(200);
      await quoteAudnzd(1.04, 1.0402);

      const { orderId } = await done(user, { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.1 });

      expect(await readOk(user, `positions/${orderId}`)).toMatchObject({
        commission: -0.7, // 0.1 lot × 7
        realizedCommission: -0.7,
        realizedProfit: -0.7,
        unrealizedProfit: -1.2, // (1.04 − 1.0402) × 0.1 × 100000 = −2 NZD × 0.6001 = −1.2002 → −1.20
        profit: -1.9,
      });
      const deals = await readOk(user, `history-deals/${ALL_TIME}`);
      expect(deals[deals.length - 1]).toMatchObject({ type: 'DEAL_TYPE_BUY', entryType: 'DEAL_ENTRY_IN', commission: -0.7, profit: 0 });
      expect(await readOk(user, 'account-information')).toMatchObject({ type: 'ACCOUNT_TRADE_MODE_REAL', balance: 9999.3 });
    });
  });

  describe('account information and prices', () => {
    it('answers account-information with MetaApi field names and hand-checked numbers', async () => {
      const svc = service();
      const user = await svc.signup();
      await quoteAudnzd(1.04, 1.0402);
      await done(user, SEED_MARKET_SELL);

      expect(await readOk(user, 'account-information')).toEqual({
        platform: 'mt5',
        type: 'ACCOUNT_TRADE_MODE_DEMO',
        broker: 'Tradestream',
        currency: 'USD',
        server: 'Tradestream',
        balance: 10000,
        equity: 9999.88, // 10000 − 0.12
        margin: 6.24, // 0.01 × 100000 × 1.04 = 1040 NZD × 0.6001 = 624.104 / 100 = 6.24104 → 6.24
        freeMargin: 9993.64, // 9999.88 − 6.24
        leverage: 100,
        marginLevel: 160254.49, // 9999.88 / 6.24 × 100 = 160254.487…
        tradeAllowed: true,
        marginMode: 'ACCOUNT_MARGIN_MODE_RETAIL_HEDGING',
        name: 'Main',
        login: Number(user.accountId),
        credit: 0,
        accountCurrencyExchangeRate: 1,
        currencyDigits: 2,
      });
    });

    it('leaves marginLevel out while no margin is in use', async () => {
      const user = await service().signup();

      const information = await readOk(user, 'account-information');

      expect(information).toMatchObject({ balance: 10000, equity: 10000, margin: 0, freeMargin: 10000 });
      expect(information).not.toHaveProperty('marginLevel');
    });

    it('answers symbols/:symbol/current-price with the quote and its tick values', async () => {
      const user = await service().signup();
      await quoteAudnzd(1.04, 1.0402);

      const price = await readOk(user, 'symbols/AUDNZD/current-price');

      expect(price).toEqual({
        symbol: 'AUDNZD',
        bid: 1.04,
        ask: 1.0402,
        profitTickValue: 0.6001, // 1 NZD per point and lot × 0.6001
        lossTickValue: 0.6001,
        accountCurrencyExchangeRate: 1,
        time: expect.stringMatching(ISO_UTC),
        brokerTime: brokerTimeOf(price.time),
      });
    });

    it('answers 404 NotFoundError for a symbol the broker does not trade', async () => {
      const user = await service().signup();

      const result = await read(user, 'symbols/FOOBAR/current-price');

      expect(result.status).toBe(404);
      expect(result.body).toEqual({ id: 1, error: 'NotFoundError', message: expect.any(String) });
    });

    it('answers 400 ValidationError for a history range that is not ISO-8601 and for a limit above 1000', async () => {
      const user = await service().signup();

      const badTime = await read(user, 'history-orders/time/yesterday/2100-01-01T00:00:00.000Z');
      const badLimit = await read(user, `history-deals/${ALL_TIME}?limit=1001`);

      expect(badTime.status).toBe(400);
      expect(badTime.body).toEqual({
        id: 1,
        error: 'ValidationError',
        message: 'Validation failed',
        details: [{ parameter: 'startTime', value: 'yesterday', message: 'startTime must be an ISO-8601 date and time' }],
      });
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.details).toEqual([expect.objectContaining({ parameter: 'limit' })]);
    });
  });
});
