import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { fixedToString, type Quote } from '../../../../libs/domain/src/index.js';
import { describeWithRedis } from '../../../../libs/platform/src/testing/redis-availability.js';
import { waitUntil as until } from '../../../../libs/platform/src/testing/wait-until.js';
import { capturingLogger } from '../testing/capturing-logger.js';
import { RedisStreamPriceFeed } from './redis-stream-price-feed.js';

const shown = (q: Quote) => `${q.symbol} ${fixedToString(q.bid)}/${fixedToString(q.ask)} ${q.feed}`;

await describeWithRedis('the Redis stream price feed', ({ url }) => {
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await admin.quit();
  });

  describe('a feed following a stream an external publisher writes to', () => {
    const stream = `ts:test:${randomUUID()}:feed:ticks`;
    let feed: RedisStreamPriceFeed;
    const ticks: Quote[] = [];
    const { logger, lines } = capturingLogger();

    beforeAll(async () => {
      // Written before the feed started: old prices, not forwarded.
      await admin.xadd(stream, '*', 'symbol', 'BTCUSD', 'bid', '1', 'ask', '2');
      feed = new RedisStreamPriceFeed({ url, stream, logger, blockMs: 100 });
      await feed.start((tick) => {
        ticks.push(tick);
      });
      await until(() => feed.status().state === 'connected', 'the connection');
      await new Promise((r) => setTimeout(r, 150));
      const now = Date.now();
      await admin.xadd(stream, '*', 'symbol', 'EURUSD', 'bid', '1.08512', 'ask', '1.08520', 'time', String(now - 100));
      await admin.xadd(stream, '*', 'symbol', 'EURUSD', 'bid', '1.085123', 'ask', '1.08520');
      await admin.xadd(stream, '*', 'symbol', 'XAUUSD', 'bid', '2351.40', 'ask', '2351.70');
      await until(() => ticks.length === 2, 'two ticks');
    });

    afterAll(async () => {
      await feed.stop();
      await admin.del(stream);
    });

    it('forwards the valid entries added after it started, stamped redis', () => {
      expect(ticks.map(shown)).toEqual(['EURUSD 1.08512/1.0852 redis', 'XAUUSD 2351.4/2351.7 redis']);
    });

    it('logs the entry it refused', () => {
      expect(lines.filter((l) => l.level === 'warn').map((l) => l.fields.reason)).toEqual(['EURUSD prices must have at most 5 decimals']);
    });

    it('reports itself connected', () => {
      expect(feed.status()).toMatchObject({ feed: 'redis', state: 'connected', ticks: 2 });
    });
  });

  describe('a feed whose Redis does not answer', () => {
    it('reports reconnecting and says what to check', async () => {
      const port = await new Promise<number>((resolve) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => {
          const { port: p } = server.address() as { port: number };
          server.close(() => resolve(p));
        });
      });
      const { logger, lines } = capturingLogger();
      const feed = new RedisStreamPriceFeed({ url: `redis://127.0.0.1:${port}`, stream: 'ts:test:nowhere', logger, backoff: { initialMs: 20, maxMs: 40 } });
      await feed.start(() => undefined);
      try {
        await until(() => lines.some((l) => l.level === 'warn'), 'a warning');
        expect(lines.find((l) => l.level === 'warn')!.message).toMatch(/^external tick feed cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+.*check REDIS_URL and that Redis runs/);
        expect(feed.status()).toMatchObject({ state: 'reconnecting', detail: expect.stringMatching(/ECONNREFUSED/) });
      } finally {
        await feed.stop();
      }
    });
  });
});
