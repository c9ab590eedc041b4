import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../platform/src/testing/redis-availability.js';
import { account, closedOrder, describeReadModelStoreContract, openOrder, seed } from '../read-model-store.contract.js';
import {
  ReadModelClearInterruptedError,
  ReadModelWriteConflictError,
  RedisReadModelStore,
} from './redis-read-model-store.js';

/** Every test gets keys of its own, far from production's `ts:rm:`. */
const uniquePrefix = () => `ts:test:rm:${randomUUID()}:`;

async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

async function deleteKeysUnder(client: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  if (keys.length) await client.unlink(keys);
}

await describeWithRedis('Redis read-model contract', ({ url }) => {
  /** The test's own connection: checks what is in Redis and deletes the test's keys afterwards. */
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis(url, { maxRetriesPerRequest: 1 });
    await admin.ping();
  });

  afterAll(async () => {
    await admin?.quit();
  });

  describeReadModelStoreContract('RedisReadModelStore', async () => {
    const prefix = uniquePrefix();
    // The store owns its connection, as the projector's does; reopen() really reconnects.
    let store = new RedisReadModelStore(url, prefix);
    return {
      store,
      async reopen() {
        await store.close();
        store = new RedisReadModelStore(url, prefix);
        return store;
      },
      async cleanup() {
        await store.close();
        await deleteKeysUnder(admin, prefix);
      },
    };
  });

  describe('a Redis read-model store', () => {
    let prefix: string;
    let store: RedisReadModelStore;

    beforeEach(() => {
      prefix = uniquePrefix();
      store = new RedisReadModelStore(url, prefix);
    });

    afterEach(async () => {
      await store.close();
      await deleteKeysUnder(admin, prefix);
    });

    it('keeps every key under its prefix', async () => {
      await store.apply(
        [
          ...seed,
          { op: 'putOpenOrder', order: openOrder(7, 2) },
          { op: 'addClosedOrder', order: closedOrder(8, 2, '2026-03-03T11:00:00.000Z', 1) },
        ],
        1,
      );
      const keys = await keysUnder(admin, prefix);
      expect(keys.sort()).toEqual(
        [
          'account:2',
          'account-closed-orders:2',
          'account-open-orders:2',
          'checkpoint',
          'email:ann@example.com',
          'order:7',
          'user:1',
          'user-accounts:1',
        ].map((key) => prefix + key).sort(),
      );
    });

    it('refuses an empty key prefix', () => {
      expect(() => new RedisReadModelStore(admin, '')).toThrow(/prefix/);
    });
  });

  describe('a store whose prefix holds glob characters, next to keys the unescaped pattern would match', () => {
    let base: string;
    let store: RedisReadModelStore;

    beforeEach(async () => {
      base = uniquePrefix();
      store = new RedisReadModelStore(url, `${base}[ab]*:`);
      await admin.set(`${base}a-neighbour:x`, 'kept');
      await admin.set(`${base}b*:x`, 'kept');
      await store.apply(seed, 1);
    });

    afterEach(async () => {
      await store.close();
      await deleteKeysUnder(admin, base);
    });

    it('clears only its own keys', async () => {
      await store.clear();
      expect(await store.checkpoint()).toBe(0);
      expect((await keysUnder(admin, base)).sort()).toEqual([`${base}a-neighbour:x`, `${base}b*:x`]);
    });
  });

  describe('a store given a client', () => {
    let client: Redis;
    let prefix: string;

    beforeEach(() => {
      client = new Redis(url, { maxRetriesPerRequest: 1 });
      prefix = uniquePrefix();
    });

    afterEach(async () => {
      await deleteKeysUnder(admin, prefix);
      if (client.status !== 'end') await client.quit();
    });

    it('uses it, and leaves it open when closed', async () => {
      const store = new RedisReadModelStore(client, prefix);
      await store.apply(seed, 1);
      await store.close();
      expect(await client.get(`${prefix}checkpoint`)).toBe('1');
    });
  });

  describe('a store that connected itself', () => {
    it('disconnects when closed', async () => {
      const store = new RedisReadModelStore(url, uniquePrefix());
      expect(await store.checkpoint()).toBe(0);
      await store.close();
      await expect(store.checkpoint()).rejects.toThrow();
      await store.close(); // a second close is harmless
    });
  });

  describe('a store whose clear() was interrupted', () => {
    let prefix: string;
    let store: RedisReadModelStore;

    beforeEach(async () => {
      prefix = uniquePrefix();
      store = new RedisReadModelStore(url, prefix);
      await store.apply(seed, 3);
      // What a crash part-way through clear() leaves: the marker, and documents not yet deleted.
      await admin.set(`${prefix}checkpoint`, 'clearing');
    });

    afterEach(async () => {
      await store.close();
      await deleteKeysUnder(admin, prefix);
    });

    it('refuses to report a checkpoint or apply a batch', async () => {
      await expect(store.checkpoint()).rejects.toThrow(ReadModelClearInterruptedError);
      await expect(store.apply([{ op: 'addMargin', accountId: 2, delta: '1' }], 4)).rejects.toThrow(
        ReadModelClearInterruptedError,
      );
      expect((await store.account(2))?.margin).toBe('0');
    });

    it('is usable again once cleared', async () => {
      await store.clear();
      expect(await store.checkpoint()).toBe(0);
      expect(await store.account(2)).toBeUndefined();
      await store.apply(seed, 1);
      expect(await store.checkpoint()).toBe(1);
    });
  });

  describe('one store applying batches concurrently', () => {
    let prefix: string;
    let store: RedisReadModelStore;

    beforeEach(async () => {
      prefix = uniquePrefix();
      store = new RedisReadModelStore(url, prefix);
      await store.apply(seed, 1);
    });

    afterEach(async () => {
      await store.close();
      await deleteKeysUnder(admin, prefix);
    });

    it('applies them one after the other, losing no update', async () => {
      const batches = Array.from({ length: 20 }, (_, i) =>
        store.apply([{ op: 'addMargin', accountId: 2, delta: '0.1' }], i + 2),
      );
      await Promise.all(batches);
      expect(await store.checkpoint()).toBe(21);
      expect((await store.account(2))?.margin).toBe('2');
    });
  });

  describe('two stores (two projectors by mistake) writing the same keys at once', () => {
    let prefix: string;
    let first: RedisReadModelStore;
    let second: RedisReadModelStore;

    beforeEach(async () => {
      prefix = uniquePrefix();
      first = new RedisReadModelStore(url, prefix);
      second = new RedisReadModelStore(url, prefix);
      await first.apply([...seed, { op: 'putAccount', account: account(3, 1) }], 1);
    });

    afterEach(async () => {
      await first.close();
      await second.close();
      await deleteKeysUnder(admin, prefix);
    });

    it('keeps each batch whole: fully applied on top of the other, or refused as a conflict', async () => {
      // Without the fence, both could read margin M and the later EXEC would overwrite the earlier
      // one's M + 1 with M + 10 while the earlier one's closed row stays: a lost update.
      for (let round = 0; round < 20; round += 1) {
        const position = 2 + round * 2;
        const before = Number((await first.account(2))?.margin);
        const batch = (delta: number, at: number) => [
          { op: 'addMargin' as const, accountId: 2, delta: String(delta) },
          { op: 'addClosedOrder' as const, order: closedOrder(at, 2, '2026-03-03T11:00:00.000Z', at) },
        ];
        const outcomes = await Promise.allSettled([
          first.apply(batch(1, position), position),
          second.apply(batch(10, position + 1), position + 1),
        ]);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ReadModelWriteConflictError);
        }
        const rows = new Set((await first.closedOrders(2)).map((o) => o.position));
        const expected = before + (rows.has(position) ? 1 : 0) + (rows.has(position + 1) ? 10 : 0);
        expect(Number((await first.account(2))?.margin)).toBe(expected);
        expect(await first.checkpoint()).toBe(rows.has(position + 1) ? position + 1 : position);
        // A refused batch left nothing behind.
        if (outcomes[1].status === 'rejected') expect(rows.has(position + 1)).toBe(false);
        if (outcomes[0].status === 'rejected') expect(rows.has(position)).toBe(false);
        // Both to the same known position before the next round.
        await first.apply([], position + 1);
      }
    });
  });
});
