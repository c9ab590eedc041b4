import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { fixedToString, parseFixed } from '../../../domain/src/index.js';
import { encodeCommand, FIELD, redisStreamKeys } from '../../../messaging/src/index.js';
import { createLogger } from '../../../platform/src/logger.js';
import { describeWithRedis } from '../../../platform/src/testing/redis-availability.js';
import { CandleProjection } from './candle-projection.js';
import { RedisCandleStore } from './redis-candle-store.js';
import { RedisTickCandleConsumer } from './redis-tick-candle-consumer.js';

const tickEntry = (time: string, bid: string, feed: string) =>
  encodeCommand({ type: 'ApplyTick', commandId: randomUUID(), tick: { symbol: 'BTCUSD', bid: parseFixed(bid), ask: parseFixed(bid) + 100_000_000n, time: Date.parse(time), feed } });

await describeWithRedis('distributed candles from the tick streams', ({ url }) => {
  let admin: Redis;
  let prefix: string;
  let store: RedisCandleStore;
  let consumers: RedisTickCandleConsumer[];

  beforeEach(async () => {
    admin = new Redis(url, { maxRetriesPerRequest: 1 });
    prefix = `ts:test:${randomUUID()}:`;
    store = new RedisCandleStore(url, prefix);
    const logger = createLogger('candles-test');
    // Two API instances share the group.
    consumers = ['api-a', 'api-b'].map((consumer) => new RedisTickCandleConsumer({ url, prefix, consumer, projection: new CandleProjection(store, logger), logger, blockMs: 100 }));
    for (const c of consumers) await c.start();
  });

  afterEach(async () => {
    for (const c of consumers) await c.stop();
    await store.close();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(keys);
    await admin.quit();
  });

  describe('feed ticks on the tick stream and an admin tick on shard 0’s command stream', () => {
    it('become candles, each tick counted once, other commands ignored', async () => {
      const keys = redisStreamKeys(prefix);
      await admin.xadd(keys.ticks(), '*', FIELD.command, tickEntry('2026-03-02T10:00:05.000Z', '65010.5', 'binance'), FIELD.correlationId, 'price-feed');
      await admin.xadd(keys.ticks(), '*', FIELD.command, tickEntry('2026-03-02T10:00:20.000Z', '65030.25', 'binance'), FIELD.correlationId, 'price-feed');
      await admin.xadd(keys.commands(0), '*', FIELD.command, tickEntry('2026-03-02T10:00:40.000Z', '64990.75', 'admin'), FIELD.correlationId, 'x', FIELD.replyTo, 'r', FIELD.deadline, '0');
      await admin.xadd(keys.commands(0), '*', FIELD.command, JSON.stringify({ type: 'AdvanceClock', commandId: 'c-1', now: 1 }), FIELD.correlationId, 'clock');
      await admin.xadd(keys.ticks(), '*', FIELD.command, tickEntry('2026-03-02T10:00:55.000Z', '65001', 'binance'), FIELD.correlationId, 'price-feed');

      const query = { symbol: 'BTCUSD', interval: '1m', from: Date.parse('2026-03-02T10:00:00Z'), to: Date.parse('2026-03-02T10:00:00Z'), limit: 10, keep: 'oldest' as const };
      const deadline = Date.now() + 5_000;
      let bars = await store.candles(query);
      while ((bars[0]?.ticks ?? 0) < 4 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        bars = await store.candles(query);
      }
      expect(bars.map((b) => ({ open: fixedToString(b.open), high: fixedToString(b.high), low: fixedToString(b.low), close: fixedToString(b.close), ticks: b.ticks }))).toEqual([
        { open: '65010.5', high: '65030.25', low: '64990.75', close: '65001', ticks: 4 },
      ]);
      const pending = await admin.xpending(keys.ticks(), 'candles');
      expect(pending[0]).toBe(0);
    });
  });
});
