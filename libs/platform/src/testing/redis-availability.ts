import { Redis } from 'ioredis';

/** Where the Redis for integration tests is, and whether it answered. */
export interface RedisForTests {
  url: string;
  available: boolean;
  /** Why it is not available (connection refused, timeout, ...). */
  reason?: string;
}

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

const PROBE_TIMEOUT_MS = 2_000;
const probes = new Map<string, Promise<RedisForTests>>();

/** The URL with any password masked, safe to print in a test log. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * Probes the Redis at `REDIS_URL` (default redis://127.0.0.1:6379) with one PING, once per URL and
 * test file. Never throws: an unreachable Redis comes back as `available: false` with the reason.
 */
export function redisForTests(url: string = process.env.REDIS_URL || DEFAULT_TEST_REDIS_URL): Promise<RedisForTests> {
  let probe = probes.get(url);
  if (!probe) {
    probe = ping(url);
    probes.set(url, probe);
  }
  return probe;
}

async function ping(url: string): Promise<RedisForTests> {
  // One attempt, no retries, no queueing: the answer must come fast either way.
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let firstError: Error | undefined;
  client.on('error', (error: Error) => {
    firstError ??= error; // "connect ECONNREFUSED ...", more telling than connect()'s "Connection is closed."
  });
  // Bounds the PING too (a port that accepts but never answers); unref'd, it never holds Jest open.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    timer.unref();
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
    return { url, available: true };
  } catch (error) {
    const reason = firstError?.message ?? (error instanceof Error ? error.message : String(error));
    return { url, available: false, reason };
  } finally {
    clearTimeout(timer);
    // Not after a failed connect: on a client that already ended, disconnect() arms a 2 s timer
    // nothing clears, and Jest waits for it.
    if (client.status !== 'end') client.disconnect();
  }
}

/**
 * Registers a describe block that needs a real Redis; `fn` receives the probed URL. Must be awaited
 * at the top level of the spec file (ES modules allow it), because what gets registered depends on
 * the probe:
 * - Redis answers: `describe(name, fn)` as usual.
 * - no Redis and `CI=true`: a block whose beforeAll fails with a clear message (and one test it
 *   fails), so a CI without its Redis can never pass silently.
 * - no Redis elsewhere: a console warning and one passing test whose name says the suite was skipped
 *   (no skipped-test API: a hook rejects those).
 */
export async function describeWithRedis(name: string, fn: (redis: { url: string }) => void): Promise<void> {
  const redis = await redisForTests();
  const where = redactRedisUrl(redis.url);
  if (redis.available) {
    describe(name, () => fn({ url: redis.url }));
    return;
  }
  if (process.env.CI === 'true') {
    // Not the real suite: its hooks would pile connection errors on top of this one.
    describe(name, () => {
      beforeAll(() => {
        throw new Error(`Redis is required in CI at REDIS_URL (${where}) but could not be reached: ${redis.reason}`);
      });
      it(`runs against the Redis at ${where}`, () => {
        expect(redis.available).toBe(true);
      });
    });
    return;
  }
  console.warn(`SKIPPED: ${name} (no Redis at ${where}: ${redis.reason})`);
  describe(name, () => {
    it(`was skipped: no Redis at ${where}`, () => {
      expect(redis.available).toBe(false);
    });
  });
}
