import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../libs/platform/src/testing/redis-availability.js';
import { BinancePriceFeed } from './binance/binance-price-feed.js';
import { DEFAULT_BINANCE_SYMBOLS, parseBinanceSymbols } from './binance/binance-messages.js';
import { describePriceFeedContract } from './price-feed.contract.js';
import { RedisStreamPriceFeed } from './redis/redis-stream-price-feed.js';
import { ReplayPriceFeed } from './replay/replay-price-feed.js';
import { SimulatedPriceFeed } from './simulated-price-feed.js';
import { BinanceReplayServer } from './testing/binance-replay-server.js';
import { capturingLogger } from './testing/capturing-logger.js';

describePriceFeedContract('SimulatedPriceFeed', async () => ({
  feed: new SimulatedPriceFeed({ seed: 42, intervalMs: 50 }),
  produce: async () => undefined,
  cleanup: async () => undefined,
}));

describePriceFeedContract('ReplayPriceFeed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-contract-'));
  const file = join(dir, 'ticks.csv');
  writeFileSync(file, '2026-03-02T10:00:00.000Z,BTCUSD,65000.50,65001.50\n2026-03-02T10:00:00.100Z,EURUSD,1.08512,1.0852\n');
  return {
    feed: new ReplayPriceFeed({ file, speed: 1, clock: 'now', logger: capturingLogger().logger }),
    produce: async () => undefined,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describePriceFeedContract('BinancePriceFeed', async () => {
  const frame = (s: string, b: string, a: string) => ({ kind: 'frame' as const, text: JSON.stringify({ stream: `${s.toLowerCase()}@bookTicker`, data: { u: 1, s, b, B: '1', a, A: '1' } }) });
  const server = await BinanceReplayServer.start([frame('BTCUSDT', '65000.50000000', '65000.51000000'), frame('ETHUSDT', '3201.15000000', '3201.16000000')]);
  return {
    feed: new BinancePriceFeed({ url: server.url, symbols: parseBinanceSymbols(DEFAULT_BINANCE_SYMBOLS), logger: capturingLogger().logger }),
    produce: async () => undefined,
    cleanup: () => server.close(),
  };
});

await describeWithRedis('the Redis stream feed on a real Redis', ({ url }) => {
  describePriceFeedContract('RedisStreamPriceFeed', async () => {
    const stream = `ts:test:${randomUUID()}:feed:ticks`;
    const admin = new Redis(url, { maxRetriesPerRequest: 1 });
    const feed = new RedisStreamPriceFeed({ url, stream, blockMs: 100, logger: capturingLogger().logger });
    return {
      feed,
      async produce() {
        const deadline = Date.now() + 5_000;
        while (feed.status().state !== 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        // The feed reads from the entries after its start position: keep adding until one is read.
        while (feed.status().ticks === 0 && Date.now() < deadline) {
          await admin.xadd(stream, '*', 'symbol', 'XAUUSD', 'bid', '2351.40', 'ask', '2351.70');
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      async cleanup() {
        await admin.del(stream);
        await admin.quit();
      },
    };
  });
});
