import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisEngineClient, redisStreamKeys } from '../../../libs/messaging/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { runMain, stopOnSignals } from '../../../libs/platform/src/process-lifecycle.js';
import { ConfigError, loadConfig } from '../../api/src/config/app-config.js';
import { FEED_STATUS_INTERVAL_MS, FEED_STATUS_TTL_MS, feedStatusKey } from './feed-status.js';
import type { PublishTick } from './price-feed.port.js';
import { createPriceFeed } from './price-feeds.js';

const log = createLogger('price-feed');

/** A replay at speed 0 waits while an engine group is this far behind on the tick stream (it is capped near 10 000). */
const MAX_TICK_LAG = 5_000;
const LAG_CHECK_EVERY = 500;

/** The largest `lag` of the engine groups on the tick stream (Redis ≥ 7), 0 when unknown. */
async function tickLag(redis: Redis, stream: string): Promise<number> {
  const groups = (await redis.xinfo('GROUPS', stream).catch(() => [])) as unknown[];
  let worst = 0;
  for (const group of groups) {
    const fields = Array.isArray(group) ? (group as unknown[]) : [];
    const info = new Map<unknown, unknown>();
    for (let i = 0; i + 1 < fields.length; i += 2) info.set(fields[i], fields[i + 1]);
    const lag = info.get('lag');
    if (String(info.get('name')).startsWith('engine-') && typeof lag === 'number') worst = Math.max(worst, lag);
  }
  return worst;
}

/** Distributed mode: publishes ticks to the shared tick stream that every engine shard reads. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) throw new ConfigError('The price feed process needs REDIS_URL (distributed mode)');
  const feed = createPriceFeed(config);
  if (!feed) {
    log.info('PRICE_FEED=manual: prices come only from POST /api/v1/admin/ticks; nothing to publish');
    return;
  }
  const redis = new Redis(config.redisUrl);
  redis.on('error', (err) => log.warn({ err }, 'redis connection error (feed status)'));
  const client = new RedisEngineClient({ url: config.redisUrl, prefix: config.redisPrefix, shards: config.engineShards });
  const tickStream = redisStreamKeys(config.redisPrefix).ticks();

  let sent = 0;
  const submit = (tick: Parameters<PublishTick>[0]) =>
    client.submit({ command: { type: 'ApplyTick', commandId: randomUUID(), tick }, correlationId: `price-feed:${feed.name}` });
  // A replay paces itself on the promise: as fast as the engines take the ticks, never faster than
  // they read the length-capped tick stream. Live feeds ignore it.
  const publish: PublishTick = async (tick) => {
    submit(tick);
    sent += 1;
    if (feed.name !== 'replay' || sent % LAG_CHECK_EVERY !== 0) return;
    while ((await tickLag(redis, tickStream)) > MAX_TICK_LAG) await new Promise((r) => setTimeout(r, 50));
  };

  const writeStatus = () =>
    redis
      .set(feedStatusKey(config.redisPrefix), JSON.stringify({ ...feed.status(), at: Date.now() }), 'PX', FEED_STATUS_TTL_MS)
      .catch((error: unknown) => log.debug({ err: error }, 'could not write the feed status'));
  await feed.start(publish);
  void writeStatus();
  const statusTimer = setInterval(() => void writeStatus(), FEED_STATUS_INTERVAL_MS);
  log.info({ feed: config.priceFeed }, 'price feed publishing');

  stopOnSignals(log, async () => {
    clearInterval(statusTimer);
    await feed.stop();
    await writeStatus();
    await client.close();
    redis.disconnect();
  });
}

runMain(log, main, (error) => error instanceof ConfigError);
