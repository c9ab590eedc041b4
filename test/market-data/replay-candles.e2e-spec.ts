/**
 * The service driven by the replay feed: the recorded file that ships with the repository
 * (apps/price-feed/data/sample-ticks.csv) at REPLAY_SPEED=0 with its original times, and the candles
 * the projection built from it, checked against OHLC computed by hand from that file. Candles are
 * built from BID prices; a bar's time is the start of its interval; intervals without ticks are absent.
 *
 * BTCUSD bids in the file, by minute (UTC, 2026-03-02):
 *   10:00  65010.50 (:05.120)  65022.00 (:17.480)  64998.25 (:31.005)  65004.75 (:44.930)  65001.00 (:59.999)
 *   10:01  65030.10 (:00.000)  65052.40 (:12.300)  65047.90 (:25.000)  65061.35 (:48.750)
 *   10:02  —
 *   10:03  64980.00 (:02.000)  64975.55 (:40.500)
 *   10:05  64990.05 (:10.000)
 * every BTCUSD spread is 15.00 (1500 points at 2 digits).
 */
import { jest } from '@jest/globals';
import { Service, stopAllServices, uniqueEmail } from '../support/service.js';
import { candles, eventually, pricesHealth } from './market-data.support.js';

jest.setTimeout(60_000);

const DAY = '2026-03-02';
const range = (from: string, to: string) => ({ from: `${DAY}T${from}Z`, to: `${DAY}T${to}Z` });

let svc: Service;

beforeAll(async () => {
  svc = await Service.start({ env: { PRICE_FEED: 'replay', REPLAY_SPEED: '0', REPLAY_CLOCK: 'original' } });
  // The feed reports the whole file sent (and applied: at speed 0 it waits for the engine)...
  await eventually(() => pricesHealth(svc), (p) => p?.state === 'idle' && p?.ticks === 24, 'the replay to finish');
  // ...and the projection has stored the last tick's bar.
  await eventually(() => candles(svc, { symbol: 'BTCUSD', interval: '1m', ...range('10:05:00', '10:05:00') }), (c) => c.length === 1, 'the last bar');
}, 60_000);

afterAll(async () => {
  await stopAllServices();
});

describe('the service after replaying the shipped file', () => {
  it('has BTCUSD 1m bars with the first, highest, lowest and last bid of each minute, and no bar for 10:02', async () => {
    expect(await candles(svc, { symbol: 'BTCUSD', interval: '1m', ...range('10:00:00', '10:59:00') })).toEqual([
      // 65010.50 first, 65022.00 highest, 64998.25 lowest, 65001.00 last (at 10:00:59.999): 5 ticks
      { time: `${DAY}T10:00:00.000Z`, open: 65010.5, high: 65022, low: 64998.25, close: 65001, ticks: 5 },
      // 65030.10 (at 10:01:00.000 exactly) first and lowest, 65061.35 highest and last: 4 ticks
      { time: `${DAY}T10:01:00.000Z`, open: 65030.1, high: 65061.35, low: 65030.1, close: 65061.35, ticks: 4 },
      { time: `${DAY}T10:03:00.000Z`, open: 64980, high: 64980, low: 64975.55, close: 64975.55, ticks: 2 },
      { time: `${DAY}T10:05:00.000Z`, open: 64990.05, high: 64990.05, low: 64990.05, close: 64990.05, ticks: 1 },
    ]);
  });

  it('has BTCUSD 5m, 15m, 1h and 1d bars that add the minutes up', async () => {
    expect(await candles(svc, { symbol: 'BTCUSD', interval: '5m', ...range('00:00:00', '23:59:59') })).toEqual([
      // 10:00–10:04: open 65010.50, high 65061.35 (10:01), low 64975.55 (10:03), close 64975.55; 5 + 4 + 2 ticks
      { time: `${DAY}T10:00:00.000Z`, open: 65010.5, high: 65061.35, low: 64975.55, close: 64975.55, ticks: 11 },
      { time: `${DAY}T10:05:00.000Z`, open: 64990.05, high: 64990.05, low: 64990.05, close: 64990.05, ticks: 1 },
    ]);
    // All 12 ticks in one bar: open 65010.50, high 65061.35, low 64975.55, close 64990.05 (10:05:10).
    const whole = { open: 65010.5, high: 65061.35, low: 64975.55, close: 64990.05, ticks: 12 };
    expect(await candles(svc, { symbol: 'BTCUSD', interval: '15m', ...range('00:00:00', '23:59:59') })).toEqual([{ time: `${DAY}T10:00:00.000Z`, ...whole }]);
    expect(await candles(svc, { symbol: 'BTCUSD', interval: '1h', ...range('00:00:00', '23:59:59') })).toEqual([{ time: `${DAY}T10:00:00.000Z`, ...whole }]);
    expect(await candles(svc, { symbol: 'BTCUSD', interval: '1d', ...range('00:00:00', '23:59:59') })).toEqual([{ time: `${DAY}T00:00:00.000Z`, ...whole }]);
  });

  it('has bars for the other symbols at their own digits', async () => {
    // ETHUSD: 3201.15, 3203.40 in 10:00; 3199.85, 3202.10 in 10:01.
    expect(await candles(svc, { symbol: 'ETHUSD', interval: '1m', ...range('10:00:00', '10:59:00') })).toEqual([
      { time: `${DAY}T10:00:00.000Z`, open: 3201.15, high: 3203.4, low: 3201.15, close: 3203.4, ticks: 2 },
      { time: `${DAY}T10:01:00.000Z`, open: 3199.85, high: 3202.1, low: 3199.85, close: 3202.1, ticks: 2 },
    ]);
    // SOLUSD (3 digits): 150.125, 150.310, 150.050.
    expect(await candles(svc, { symbol: 'SOLUSD', interval: '5m', ...range('10:00:00', '10:59:00') })).toEqual([
      { time: `${DAY}T10:00:00.000Z`, open: 150.125, high: 150.31, low: 150.05, close: 150.05, ticks: 3 },
    ]);
    // EURUSD (5 digits): 1.08512, 1.08518 | 1.08505 | 1.08530.
    expect(await candles(svc, { symbol: 'EURUSD', interval: '1m', ...range('10:00:00', '10:59:00') })).toEqual([
      { time: `${DAY}T10:00:00.000Z`, open: 1.08512, high: 1.08518, low: 1.08512, close: 1.08518, ticks: 2 },
      { time: `${DAY}T10:01:00.000Z`, open: 1.08505, high: 1.08505, low: 1.08505, close: 1.08505, ticks: 1 },
      { time: `${DAY}T10:03:00.000Z`, open: 1.0853, high: 1.0853, low: 1.0853, close: 1.0853, ticks: 1 },
    ]);
    expect(await candles(svc, { symbol: 'XAUUSD', interval: '1d', ...range('00:00:00', '00:00:00') })).toEqual([
      { time: `${DAY}T00:00:00.000Z`, open: 2351.4, high: 2351.4, low: 2351.4, close: 2351.4, ticks: 1 },
    ]);
    expect(await candles(svc, { symbol: 'GBPUSD', interval: '1d', ...range('00:00:00', '00:00:00') })).toEqual([]);
  });

  it('answers only the bars starting within [from, to], and the newest ones within a limit', async () => {
    expect((await candles(svc, { symbol: 'BTCUSD', interval: '1m', ...range('10:01:00', '10:03:00') })).map((c) => c.time)).toEqual([`${DAY}T10:01:00.000Z`, `${DAY}T10:03:00.000Z`]);
    expect((await candles(svc, { symbol: 'BTCUSD', interval: '1m', to: `${DAY}T10:04:00Z`, limit: '2' })).map((c) => c.time)).toEqual([`${DAY}T10:01:00.000Z`, `${DAY}T10:03:00.000Z`]);
  });

  it('reports the replay idle in /health, with each symbol’s price age', async () => {
    const prices = await pricesHealth(svc);
    expect(prices).toMatchObject({ feed: 'replay', state: 'idle', ticks: 24, symbols: 5, detail: 'replay finished: 24 ticks sent, 0 lines refused' });
    // The original times are months old: every price is stale (no price for new orders).
    expect(prices.quotes.BTCUSD).toEqual({ ageMs: expect.any(Number), time: `${DAY}T10:05:10.000Z`, stale: true, feed: 'replay' });
    expect(prices.quotes.BTCUSD.ageMs).toBeGreaterThan(Date.now() - Date.parse(`${DAY}T10:05:10.000Z`) - 60_000);
  });

  it('answers 400 {error} to a query it cannot answer', async () => {
    for (const query of ['interval=1m', 'symbol=BTCUSD&interval=2m', 'symbol=NOPE', 'symbol=BTCUSD&from=yesterday', `symbol=BTCUSD&from=${DAY}T11:00:00Z&to=${DAY}T10:00:00Z`]) {
      const result = await svc.http('GET', `/api/v1/candles?${query}`);
      expect({ query, status: result.status, body: result.body }).toEqual({ query, status: 400, body: { error: expect.any(String) } });
    }
  });
});

describe('MetaApi historical candles after the replay', () => {
  let user: Awaited<ReturnType<Service['signup']>>;
  const path = (accountId: string, symbol: string, timeframe: string, query = '') =>
    `/users/current/accounts/${accountId}/historical-market-data/symbols/${symbol}/timeframes/${timeframe}/candles${query}`;

  beforeAll(async () => {
    user = await svc.signup(uniqueEmail('candles'));
  });

  it('gives the latest bars at or before startTime in MetatraderCandle shape, oldest first', async () => {
    const result = await svc.http('GET', path(user.accountId, 'BTCUSD', '1m', `?startTime=${DAY}T10:04:00.000Z&limit=2`), { headers: { 'auth-token': user.token } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual([
      { symbol: 'BTCUSD', timeframe: '1m', time: `${DAY}T10:01:00.000Z`, brokerTime: `${DAY} 10:01:00.000`, open: 65030.1, high: 65061.35, low: 65030.1, close: 65061.35, tickVolume: 4, spread: 1500, volume: 0 },
      { symbol: 'BTCUSD', timeframe: '1m', time: `${DAY}T10:03:00.000Z`, brokerTime: `${DAY} 10:03:00.000`, open: 64980, high: 64980, low: 64975.55, close: 64975.55, tickVolume: 2, spread: 1500, volume: 0 },
    ]);
  });

  it('rolls the stored minutes up into MetaTrader timeframes such as 2m', async () => {
    const result = await svc.http('GET', path(user.accountId, 'BTCUSD', '2m', `?startTime=${DAY}T12:00:00.000Z`), { token: user.token });
    expect(result.status).toBe(200);
    expect(result.body.map((c: any) => [c.time, c.open, c.high, c.low, c.close, c.tickVolume])).toEqual([
      // 10:00 + 10:01: open 65010.50, high 65061.35, low 64998.25, close 65061.35, 5 + 4 ticks
      [`${DAY}T10:00:00.000Z`, 65010.5, 65061.35, 64998.25, 65061.35, 9],
      [`${DAY}T10:02:00.000Z`, 64980, 64980, 64975.55, 64975.55, 2],
      [`${DAY}T10:04:00.000Z`, 64990.05, 64990.05, 64990.05, 64990.05, 1],
    ]);
  });

  it('answers MetaApi errors: 400 for a bad timeframe, 404 for an unknown symbol or another user’s account, 401 without credentials', async () => {
    const other = await svc.signup(uniqueEmail('other'));
    const badTimeframe = await svc.http('GET', path(user.accountId, 'BTCUSD', '7m'), { token: user.token });
    const unknownSymbol = await svc.http('GET', path(user.accountId, 'DOGEUSD', '1m'), { token: user.token });
    const notMine = await svc.http('GET', path(other.accountId, 'BTCUSD', '1m'), { token: user.token });
    const anonymous = await svc.http('GET', path(user.accountId, 'BTCUSD', '1m'));
    expect([badTimeframe, unknownSymbol, notMine, anonymous].map((r) => [r.status, r.body.error])).toEqual([
      [400, 'ValidationError'],
      [404, 'NotFoundError'],
      [404, 'NotFoundError'],
      [401, 'UnauthorizedError'],
    ]);
    expect(notMine.body).toEqual({ id: 1, error: 'NotFoundError', message: `MetaTrader account ${other.accountId} not found` });
    expect(badTimeframe.body).toMatchObject({ id: 1, error: 'ValidationError', details: [{ parameter: 'timeframe', value: '7m', message: expect.stringMatching(/^timeframe must be one of 1m, 2m/) }] });
  });
});

describe('the service restarted on the same DATA_DIR (with the manual feed, so nothing is replayed again)', () => {
  it('still has every bar', async () => {
    const before = await candles(svc, { symbol: 'BTCUSD', interval: '1m', ...range('00:00:00', '23:59:59') });
    svc.env.PRICE_FEED = 'manual';
    await svc.restart();
    expect(await candles(svc, { symbol: 'BTCUSD', interval: '1m', ...range('00:00:00', '23:59:59') })).toEqual(before);
    expect(before).toHaveLength(4);
  });
});
