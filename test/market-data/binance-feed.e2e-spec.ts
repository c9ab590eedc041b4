/**
 * The service on PRICE_FEED=binance against a local WebSocket server (no internet here) that
 * replays recorded Binance bookTicker frames in Binance's own combined-stream format
 * (fixtures/binance-bookticker.jsonl) and closes the socket in the middle of the session, as
 * Binance does at maintenance: the feed reconnects and the prices go on.
 *
 * Recorded bids/asks (BTCUSDT, ETHUSDT, SOLUSDT → BTCUSD, ETHUSD, SOLUSD):
 *   before the disconnect: BTC 65010.50/65010.51, ETH 3201.15/3201.16, SOL 150.12/150.13,
 *     BTC 65010.50/65010.51 again (quantities only: not re-published), BTC 65012.37/65012.38, ETH 3201.40/3201.41
 *   after it: BTC 65020.10/65020.11, SOL 150.25/150.26, ETH 3202.05/3202.06, BTC 65018.94/65018.95
 */
import { jest } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { BinanceReplayServer, readRecording } from '../../apps/price-feed/src/testing/binance-replay-server.js';
import { Service, stopAllServices } from '../support/service.js';
import { openPosition } from '../support/trading.js';
import { auditEvents, candles, eventually, pricesHealth } from './market-data.support.js';

jest.setTimeout(60_000);

const RECORDING = fileURLToPath(new URL('./fixtures/binance-bookticker.jsonl', import.meta.url));

let server: BinanceReplayServer;
let svc: Service;

async function prices(): Promise<Record<string, { bid: number; ask: number }>> {
  const result = await svc.http('GET', '/api/v1/prices');
  return Object.fromEntries((result.body.prices as { symbol: string; bid: number; ask: number }[]).map((p) => [p.symbol, { bid: p.bid, ask: p.ask }]));
}

beforeAll(async () => {
  server = await BinanceReplayServer.start(readRecording(RECORDING), { intervalMs: 25 });
  svc = await Service.start({ env: { PRICE_FEED: 'binance', BINANCE_WS_URL: server.url, BINANCE_SYMBOLS: 'BTCUSD:btcusdt,ETHUSD:ethusdt,SOLUSD:solusdt' } });
  await eventually(prices, (p) => p.BTCUSD?.bid === 65018.94, 'the last recorded BTCUSD price');
}, 60_000);

afterAll(async () => {
  await stopAllServices();
  await server?.close();
});

describe('the service on the Binance feed after a disconnect in the middle of the session', () => {
  it('connected twice to the combined bookTicker stream of the mapped markets', () => {
    expect(server.finished).toBe(true);
    expect(server.requests).toEqual([
      '/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker/solusdt@bookTicker',
      '/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker/solusdt@bookTicker',
    ]);
    expect(svc.logs).toMatch(/Binance feed connection closed; reconnecting in/);
  });

  it('shows the prices sent after the reconnection', async () => {
    expect(await prices()).toEqual({
      BTCUSD: { bid: 65018.94, ask: 65018.95 },
      ETHUSD: { bid: 3202.05, ask: 3202.06 },
      SOLUSD: { bid: 150.25, ask: 150.26 },
    });
  });

  it('reports the feed connected and every price fresh in /health', async () => {
    const health = await pricesHealth(svc);
    expect(health).toMatchObject({ status: 'up', feed: 'binance', state: 'connected', ticks: 9, stale: 0 });
    expect(Object.keys(health.quotes)).toEqual(['BTCUSD', 'ETHUSD', 'SOLUSD']);
    for (const quote of Object.values(health.quotes) as { ageMs: number; stale: boolean; feed: string }[]) {
      expect(quote).toMatchObject({ stale: false, feed: 'binance' });
      expect(quote.ageMs).toBeLessThan(30_000);
    }
  });

  it('built BTCUSD candles from every published tick on both sides of the disconnect', async () => {
    // Bids 65010.50, 65012.37 | 65020.10, 65018.94 within the last hour (stamped on arrival).
    const bars = await eventually(
      () => candles(svc, { symbol: 'BTCUSD', interval: '1h', from: new Date(Date.now() - 2 * 3_600_000).toISOString() }),
      (b) => b.reduce((n, c) => n + c.ticks, 0) === 4,
      'four BTCUSD ticks in the candles',
    );
    expect({
      open: bars[0]!.open,
      high: Math.max(...bars.map((b) => b.high)),
      low: Math.min(...bars.map((b) => b.low)),
      close: bars[bars.length - 1]!.close,
    }).toEqual({ open: 65010.5, high: 65020.1, low: 65010.5, close: 65018.94 });
  });

  it('fills a market order at the Binance ask and records that quote, feed included, in the event', async () => {
    const user = await svc.signup();
    const orderId = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 });
    const opened = (await auditEvents(svc, user.accountId, user.token)).find((e) => e.type === 'PositionOpened');
    expect(opened.data).toMatchObject({ orderId: Number(orderId), openPrice: '65018.95', quote: { bid: '65018.94', ask: '65018.95', time: expect.any(String), feed: 'binance' } });
  });
});
