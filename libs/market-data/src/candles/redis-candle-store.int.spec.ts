import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../platform/src/testing/redis-availability.js';
import { describeCandleStoreContract } from './candle-store.contract.js';
import { RedisCandleStore } from './redis-candle-store.js';

async function deleteKeysUnder(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await client.unlink(keys);
    cursor = next;
  } while (cursor !== '0');
}

await describeWithRedis('Redis candle store', ({ url }) => {
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis(url, { maxRetriesPerRequest: 1 });
    await admin.ping();
  });

  afterAll(async () => {
    await admin?.quit();
  });

  describeCandleStoreContract('RedisCandleStore', async () => {
    const prefix = `ts:test:candles:${randomUUID()}:`;
    let store = new RedisCandleStore(url, prefix);
    return {
      get store() {
        return store;
      },
      async reopen() {
        await store.close();
        store = new RedisCandleStore(url, prefix);
        return store;
      },
      async cleanup() {
        await store.close();
        await deleteKeysUnder(admin, prefix);
      },
    };
  });

  describe('a Redis candle store', () => {
    it('keeps a series as a hash of bars and a sorted set of their starts, under its prefix', async () => {
      const prefix = `ts:test:candles:${randomUUID()}:`;
      const store = new RedisCandleStore(admin, prefix);
      try {
        await store.merge([
          { symbol: 'BTCUSD', interval: '1m', start: 60_000, open: 1n, high: 2n, low: 1n, close: 2n, ticks: 2, openTime: 60_001, closeTime: 60_002, minSpread: 0n },
        ]);
        expect((await admin.keys(`${prefix}*`)).sort()).toEqual([`${prefix}candles:BTCUSD:1m`, `${prefix}candles:BTCUSD:1m:starts`]);
      } finally {
        await store.close();
        await deleteKeysUnder(admin, prefix);
      }
    });
  });
});
