import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../../libs/platform/src/testing/redis-availability.js';
import { RedisSessionRevocations, SqliteSessionRevocations } from './session-revocations.js';

const inAnHour = () => Date.now() + 3_600_000;

describe('signed-out sessions kept in a SQLite file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sessions-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are remembered once revoked, also by the next process on the same file, and others are not', async () => {
    const file = join(dir, 'sessions.sqlite');
    const store = new SqliteSessionRevocations(file);
    expect(await store.isRevoked('s-1')).toBe(false);
    await store.revoke('s-1', inAnHour());
    expect(await store.isRevoked('s-1')).toBe(true);
    await store.close();

    const reopened = new SqliteSessionRevocations(file);
    expect(await reopened.isRevoked('s-1')).toBe(true);
    expect(await reopened.isRevoked('s-2')).toBe(false);
    await reopened.close();
  });
});

await describeWithRedis('signed-out sessions shared through Redis by two API instances', ({ url }) => {
  const prefix = `ts:test:sessions:${randomUUID()}:`;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(url);
    connections.push(redis);
    return redis;
  };
  const instances: RedisSessionRevocations[] = [];
  const instance = async (notRevokedTtlMs: number) => {
    const store = new RedisSessionRevocations(connect(), connect(), prefix, { notRevokedTtlMs });
    await store.start();
    instances.push(store);
    return store;
  };

  afterAll(async () => {
    for (const store of instances) await store.close();
    const cleaner = connect();
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    for (const redis of connections) redis.disconnect();
  });

  it('are seen by the other instance at once, even when it had cached "not signed out" for a minute', async () => {
    const a = await instance(60_000);
    const b = await instance(60_000);
    expect(await b.isRevoked('shared-1')).toBe(false); // cached for a minute on b

    await a.revoke('shared-1', inAnHour());

    const deadline = Date.now() + 2_000;
    while (!(await b.isRevoked('shared-1')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await b.isRevoked('shared-1')).toBe(true);
    expect(await a.isRevoked('shared-1')).toBe(true);
  });

  it('are announced to the listeners of every instance (open streams close on them), once each', async () => {
    const a = await instance(1_000);
    const b = await instance(1_000);
    const heard: string[] = [];
    a.onRevoked((sid) => heard.push(`a:${sid}`));
    const stop = b.onRevoked((sid) => heard.push(`b:${sid}`));
    await a.revoke('shared-3', inAnHour());
    const deadline = Date.now() + 2_000;
    while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(heard.sort()).toEqual(['a:shared-3', 'b:shared-3']);
    stop();
    await a.revoke('shared-4', inAnHour());
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.filter((h) => h.startsWith('b:'))).toEqual(['b:shared-3']);
  });

  it('are found by an instance started later, and expire with the token', async () => {
    const a = await instance(1_000);
    await a.revoke('shared-2', Date.now() + 5_000);
    const late = await instance(1_000);
    expect(await late.isRevoked('shared-2')).toBe(true);
    const ttl = await connect().pttl(`${prefix}session:revoked:shared-2`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('answer from the cache without asking Redis while "not signed out" is fresh', async () => {
    const redis = connect();
    const store = new RedisSessionRevocations(redis, connect(), prefix, { notRevokedTtlMs: 60_000 });
    await store.start();
    instances.push(store);
    expect(await store.isRevoked('hot')).toBe(false);
    const calls: string[] = [];
    const original = redis.pttl.bind(redis);
    redis.pttl = ((key: string) => {
      calls.push(key);
      return original(key);
    }) as typeof redis.pttl;
    for (let i = 0; i < 100; i += 1) expect(await store.isRevoked('hot')).toBe(false);
    expect(calls).toEqual([]);
  });
});
