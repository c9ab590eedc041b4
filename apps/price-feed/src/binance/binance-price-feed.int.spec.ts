import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { fixedToString, type Quote } from '../../../../libs/domain/src/index.js';
import { waitUntil as until } from '../../../../libs/platform/src/testing/wait-until.js';
import { BinanceReplayServer, readRecording, type RecordedFrame } from '../testing/binance-replay-server.js';
import { capturingLogger } from '../testing/capturing-logger.js';
import { parseBinanceSymbols, DEFAULT_BINANCE_SYMBOLS } from './binance-messages.js';
import { BinancePriceFeed } from './binance-price-feed.js';

const RECORDING = fileURLToPath(new URL('../../../../test/market-data/fixtures/binance-bookticker.jsonl', import.meta.url));
const symbols = parseBinanceSymbols(DEFAULT_BINANCE_SYMBOLS);

const shown = (q: Quote) => `${q.symbol} ${fixedToString(q.bid)}/${fixedToString(q.ask)} ${q.feed}`;

/** A port where nothing listens (a throwaway listener's, closed again). */
function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('a Binance feed on a recorded session with a disconnect in the middle', () => {
  let server: BinanceReplayServer;
  let feed: BinancePriceFeed;
  const ticks: Quote[] = [];
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    server = await BinanceReplayServer.start(readRecording(RECORDING), { intervalMs: 5 });
    feed = new BinancePriceFeed({ url: server.url, symbols, logger, backoff: { initialMs: 50, maxMs: 200 } });
    feed.start((tick) => {
      ticks.push(tick);
    });
    await until(() => server.finished && ticks.length === 9, 'the whole recording');
  }, 10_000);

  afterAll(async () => {
    feed.stop();
    await server.close();
  });

  it('subscribes to the bookTicker stream of every mapped market', () => {
    expect(server.requests[0]).toBe('/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker/solusdt@bookTicker');
  });

  it('reconnects after the server closed the socket, and the prices go on', () => {
    expect(server.connections).toBe(2);
    expect(ticks.map(shown)).toEqual([
      'BTCUSD 65010.5/65010.51 binance',
      'ETHUSD 3201.15/3201.16 binance',
      // SOLUSD has 3 digits: Binance's 150.12000000 is exact at them.
      'SOLUSD 150.12/150.13 binance',
      // The next BTCUSDT frame changes only quantities: not re-published within a second.
      'BTCUSD 65012.37/65012.38 binance',
      'ETHUSD 3201.4/3201.41 binance',
      // — disconnect —
      'BTCUSD 65020.1/65020.11 binance',
      'SOLUSD 150.25/150.26 binance',
      'ETHUSD 3202.05/3202.06 binance',
      'BTCUSD 65018.94/65018.95 binance',
    ]);
    expect(lines.some((l) => l.level === 'warn' && /connection closed; reconnecting/.test(l.message))).toBe(true);
    expect(lines.some((l) => l.level === 'info' && l.message === 'Binance feed reconnected')).toBe(true);
  });

  it('reports itself connected, with its tick count', () => {
    expect(feed.status()).toMatchObject({ feed: 'binance', state: 'connected', ticks: 9 });
  });
});

describe('a Binance feed whose frames carry more decimals than the instrument', () => {
  let server: BinanceReplayServer;
  let feed: BinancePriceFeed;

  afterEach(async () => {
    feed.stop();
    await server.close();
  });

  it('rounds the bid down and the ask up to the instrument digits', async () => {
    const frames: RecordedFrame[] = [{ kind: 'frame', text: '{"stream":"solusdt@bookTicker","data":{"u":1,"s":"SOLUSDT","b":"150.12349999","B":"1","a":"150.12350001","A":"1"}}' }];
    server = await BinanceReplayServer.start(frames);
    const ticks: Quote[] = [];
    feed = new BinancePriceFeed({ url: server.url, symbols, logger: capturingLogger().logger });
    feed.start((tick) => {
      ticks.push(tick);
    });
    await until(() => ticks.length === 1, 'one tick');
    expect(ticks.map(shown)).toEqual(['SOLUSD 150.123/150.124 binance']);
  });
});

describe('a Binance feed that cannot connect', () => {
  it('keeps retrying, reports reconnecting with the reason, and logs what to check', async () => {
    const url = `ws://127.0.0.1:${await deadPort()}`;
    const { logger, lines } = capturingLogger();
    const feed = new BinancePriceFeed({ url, symbols, logger, backoff: { initialMs: 20, maxMs: 40 } });
    feed.start(() => undefined);
    try {
      await until(() => lines.filter((l) => l.level === 'warn').length >= 2, 'two failed attempts');
      const warning = lines.find((l) => l.level === 'warn')!;
      expect(warning.message).toMatch(/^Binance feed cannot connect to ws:\/\/127\.0\.0\.1:\d+\/stream\?streams=btcusdt@bookTicker.* \(connect ECONNREFUSED/);
      expect(warning.message).toMatch(/check that this host reaches 127\.0\.0\.1:\d+ \(firewall, proxy, DNS\), BINANCE_WS_URL, and that every market in BINANCE_SYMBOLS exists on Binance; retrying in/);
      expect(feed.status()).toMatchObject({ state: 'reconnecting', ticks: 0, detail: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      feed.stop();
    }
    expect(feed.status().state).toBe('idle');
  });
});
