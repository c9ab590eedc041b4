import { Redis } from 'ioredis';
import { parseFixed, PriceBoard } from '../../../../libs/domain/src/index.js';
import { describeEventStore, openEventStore, type EventStore } from '../../../../libs/event-store/src/index.js';
import { CandleProjection, RedisCandleStore, RedisTickCandleConsumer } from '../../../../libs/market-data/src/index.js';
import { RedisEngineClient } from '../../../../libs/messaging/src/index.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { RedisReadModelStore } from '../../../../libs/read-models/src/redis/redis-read-model-store.js';
import { ProjectionWatermark } from '../../../../libs/read-models/src/watermark/projection-watermark.js';
import { pricesChannel, pricesKey } from '../../../engine/src/redis-price-publisher.js';
import { checkpointChannel, eventsStream } from '../../../projector/src/channels.js';
import { decodeFeedStatus, feedStatusKey, FEED_STATUS_TTL_MS } from '../../../price-feed/src/feed-status.js';
import { manualFeedStatus } from '../../../price-feed/src/price-feeds.js';
import type { AppConfig } from '../config/app-config.js';
import { overall, type ComponentHealth } from '../health/health.port.js';
import { RedisIdempotencyStore } from '../idempotency/idempotency.store.js';
import { RedisSessionRevocations } from '../auth/session-revocations.js';
import { EngineInstrumentation } from '../metrics/engine-instrumentation.js';
import { TradestreamMetrics } from '../metrics/metrics.js';
import { priceHealth } from '../market/price-health.js';
import type { ApiRuntime } from '../runtime.tokens.js';
import { RedisLiveEvents } from '../streaming/live-events.js';

const log = createLogger('distributed-runtime');

/** How often an API instance re-reads the checkpoint and prices, in case a pub/sub message was missed. */
const RESYNC_MS = 250;

function decodeQuote(text: string) {
  const q = JSON.parse(text) as { symbol: string; bid: string; ask: string; time: number };
  return { symbol: q.symbol, bid: parseFixed(q.bid), ask: parseFixed(q.ask), time: q.time };
}

export interface DistributedApiRuntime extends ApiRuntime {
  events: EventStore;
  stop(): Promise<void>;
}

/**
 * An API instance of the distributed deployment: commands go to the engines over Redis streams,
 * reads come from the read models the projector keeps in Redis, and two followers keep this
 * instance's view of the checkpoint (read-your-writes) and of the prices current.
 */
export async function startDistributedApi(config: AppConfig): Promise<DistributedApiRuntime> {
  const redisUrl = config.redisUrl!;
  const redis = new Redis(redisUrl);
  const subscriber = new Redis(redisUrl);
  // Back-pressure: at most ENGINE_MAX_QUEUE commands of this instance await the engines; past it, 429 (engine busy).
  const engine = new RedisEngineClient({ url: redisUrl, prefix: config.redisPrefix, shards: config.engineShards, maxInFlight: config.engineMaxQueue });
  const readModels = new RedisReadModelStore(redis, `${config.redisPrefix}rm:`);
  const events = openEventStore({ ...config, pollIntervalMs: 200 });
  const watermark = new ProjectionWatermark();
  const prices = new PriceBoard();

  const resync = async () => {
    watermark.advance(await readModels.checkpoint());
    const all = await redis.hgetall(pricesKey(config.redisPrefix));
    for (const text of Object.values(all)) {
      const quote = decodeQuote(text);
      if ((prices.quote(quote.symbol)?.time ?? 0) <= quote.time) prices.update(quote);
    }
  };
  await resync();
  await subscriber.subscribe(checkpointChannel(config.redisPrefix), pricesChannel(config.redisPrefix));
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === checkpointChannel(config.redisPrefix)) watermark.advance(Number(message));
    else for (const text of JSON.parse(message) as string[]) prices.update(decodeQuote(text));
  });
  // Signed-out sessions: keys in Redis, cached per instance, sign-outs announced on a channel of their own.
  const sessionSubscriber = new Redis(redisUrl);
  const sessions = new RedisSessionRevocations(redis, sessionSubscriber, config.redisPrefix);
  await sessions.start();
  const timer = setInterval(() => void resync().catch((error: unknown) => log.warn({ err: error }, 'resync with Redis failed')), RESYNC_MS);
  timer.unref();
  // Candles: every API instance is a consumer in one group on the streams the engines take ticks
  // from (see RedisTickCandleConsumer), writing the candle read model in Redis.
  const candles = new RedisCandleStore(redis, config.redisPrefix);
  const candleConsumer = new RedisTickCandleConsumer({
    url: redisUrl,
    prefix: config.redisPrefix,
    consumer: `api-${engine.instanceId}`,
    projection: new CandleProjection(candles, createLogger('candles')),
    logger: createLogger('candles'),
  });
  await candleConsumer.start();
  // Streaming: every instance follows the projector's events relay, so any instance serves any subscriber.
  const liveEvents = new RedisLiveEvents(redisUrl, eventsStream(config.redisPrefix), createLogger('stream-relay'));
  await liveEvents.start();
  // /metrics of an API instance: its HTTP traffic and engine outcomes, the log head, read-model and engine-shard lag.
  const metrics = new TradestreamMetrics();
  metrics.observe({
    logHead: () => events.headPosition(),
    projectorCheckpoint: () => watermark.current(),
    engineShardPositions: async () => {
      const positions: Record<string, number> = {};
      for (let shard = 0; shard < config.engineShards; shard += 1) {
        const beat = await redis.get(`${config.redisPrefix}engine:${shard}:heartbeat`).catch(() => null);
        if (beat) positions[String(shard)] = (JSON.parse(beat) as { position: number }).position;
      }
      return positions;
    },
  });

  return {
    config,
    engine: new EngineInstrumentation(metrics).client(engine),
    readModels,
    watermark,
    prices,
    events,
    idempotency: new RedisIdempotencyStore(redis, config.redisPrefix),
    sessions,
    candles,
    metrics,
    liveEvents,
    health: {
      async check() {
        const components: Record<string, ComponentHealth> = {};
        try {
          await redis.ping();
          components.redis = { status: 'up' };
        } catch (error) {
          components.redis = { status: 'down', error: (error as Error).message };
        }
        let head = 0;
        try {
          head = await events.headPosition();
          components.log = { status: 'up', store: describeEventStore(config), head };
        } catch (error) {
          components.log = { status: 'down', error: (error as Error).message };
        }
        for (let shard = 0; shard < config.engineShards; shard += 1) {
          const beat = await redis.get(`${config.redisPrefix}engine:${shard}:heartbeat`).catch(() => null);
          const parsed = beat ? (JSON.parse(beat) as { position: number; at: number }) : null;
          // The engine beats every second: three missed beats mean it is gone, whatever the key's expiry.
          const seenMs = parsed ? Date.now() - parsed.at : Infinity;
          components[`engine-${shard}`] = parsed && seenMs <= 3_000
            ? { status: 'up', position: parsed.position, lag: Math.max(0, head - parsed.position), lastSeenMs: seenMs }
            : { status: 'down', error: `no heartbeat for ${Number.isFinite(seenMs) ? Math.round(seenMs / 1000) + ' s' : 'a while'}: is the engine process running?` };
        }
        const checkpoint = watermark.current();
        components.readModels = { status: 'up', checkpoint, lag: Math.max(0, head - checkpoint) };
        const feed = config.priceFeed === 'manual' ? manualFeedStatus() : decodeFeedStatus(await redis.get(feedStatusKey(config.redisPrefix)).catch(() => null));
        components.prices = priceHealth({
          prices,
          priceFeed: config.priceFeed,
          feed,
          feedProblem: `no status from the price feed in the last ${FEED_STATUS_TTL_MS / 1000} s: is start:feed running with PRICE_FEED=${config.priceFeed}?`,
          staleMs: config.priceStaleMs,
          now: Date.now(),
        });
        return overall(components);
      },
    },
    async stop() {
      clearInterval(timer);
      await candleConsumer.stop();
      await liveEvents.stop();
      await engine.close();
      await sessions.close();
      sessionSubscriber.disconnect();
      subscriber.disconnect();
      redis.disconnect();
      await events.close();
    },
  };
}
