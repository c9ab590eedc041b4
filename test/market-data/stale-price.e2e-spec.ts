/**
 * A price older than PRICE_STALE_MS is no price (API.md): with a limit of 1.5 s and the manual
 * feed, a market order placed more than 1.5 s after the last tick is rejected with PRICE_OFF, and
 * the same order is accepted once a new tick arrives. /health shows the price's age and staleness.
 */
import { jest } from '@jest/globals';
import { useService } from '../support/service.js';
import { createOrder } from '../support/trading.js';
import { auditEvents, pricesHealth } from './market-data.support.js';

jest.setTimeout(60_000);

const STALE_MS = 1_500;
const service = useService({ env: { PRICE_STALE_MS: String(STALE_MS) } });
const order = { symbol: 'ETHUSD', type: 'BUY', quantity: 0.1, leverage: 10 };

describe('a price older than PRICE_STALE_MS', () => {
  it('rejects a market order with PRICE_OFF, and accepts it after a new tick', async () => {
    const svc = service();
    const user = await svc.signup();

    await svc.tick('ETHUSD', '3201.15', '3201.65');
    const fresh = await createOrder(svc, user, order);
    expect(fresh.status).toBe(200);

    await new Promise((r) => setTimeout(r, STALE_MS + 500));
    const health = await pricesHealth(svc);
    expect(health).toMatchObject({ status: 'up', feed: 'manual', state: 'idle', staleAfterMs: STALE_MS, stale: 1 });
    expect(health.quotes.ETHUSD).toMatchObject({ stale: true, feed: 'admin' });
    expect(health.quotes.ETHUSD.ageMs).toBeGreaterThan(STALE_MS);

    const stale = await createOrder(svc, user, order);
    expect(stale.status).toBe(400);
    expect(stale.body).toEqual({ error: expect.any(String), code: 'TRADE_RETCODE_PRICE_OFF' });

    await svc.tick('ETHUSD', '3202.05', '3202.55');
    expect((await pricesHealth(svc)).quotes.ETHUSD).toMatchObject({ stale: false });
    const again = await createOrder(svc, user, order);
    expect(again.status).toBe(200);

    // The audit trail: both fills record the admin tick that priced them; the rejection had no fresh quote.
    const events = await auditEvents(svc, user.accountId, user.token);
    const fills = events.filter((e) => e.type === 'PositionOpened').map((e) => e.data.quote);
    expect(fills).toEqual([
      { bid: '3201.15', ask: '3201.65', time: expect.any(String), feed: 'admin' },
      { bid: '3202.05', ask: '3202.55', time: expect.any(String), feed: 'admin' },
    ]);
    const rejected = events.filter((e) => e.type === 'TradeRejected').map((e) => [e.data.code, e.data.quote]);
    expect(rejected).toEqual([['TRADE_RETCODE_PRICE_OFF', null]]);
  });
});
