import { Redis } from 'ioredis';
import { describeEventStore, openEventStore } from '../../../libs/event-store/src/index.js';
import { RedisEngineClient, RedisEngineInputSource } from '../../../libs/messaging/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { runMain, stopOnSignals } from '../../../libs/platform/src/process-lifecycle.js';
import { ConfigError, loadConfig } from '../../api/src/config/app-config.js';
import { logAppendedChannel } from '../../projector/src/channels.js';
import { announcingAppends } from './append-announcer.js';
import { dedupWindowFromEnv } from './dedup-window.js';
import { startEngineClock } from './engine-clock.js';
import { EngineRunner } from './engine-runner.js';
import { PublishingPriceBoard } from './redis-price-publisher.js';
import { FileSnapshotStore, snapshotFileFor } from './snapshots/snapshot-store.js';

const log = createLogger('engine-main');

/** Distributed mode: the single writer of one shard, fed by its Redis command stream and the tick stream. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) throw new ConfigError('The engine process needs REDIS_URL (distributed mode); for one process run `npm start`');
  const { engineShard: shard, engineShards: shards } = config;
  const redis = new Redis(config.redisUrl);
  const store = openEventStore({ ...config, pollIntervalMs: 20 });
  const prices = new PublishingPriceBoard(redis, config.redisPrefix);
  // The projector reads what the engine appended as soon as it is told (its SQLite subscription is woken).
  const announcedLog = announcingAppends(store, (position) => {
    redis.publish(logAppendedChannel(config.redisPrefix), String(position)).catch(() => undefined);
  });
  const runner = new EngineRunner(announcedLog, prices, {
    priceStaleMs: config.priceStaleMs,
    idSpace: { shard, shards },
    logger: createLogger('engine'),
    beforeReply: () => prices.flush(),
    // Restart = latest snapshot + the events after it, so start time does not grow with history.
    snapshots: new FileSnapshotStore(snapshotFileFor(config.dataDir, { shard, shards })),
    snapshotEvery: config.snapshotEvery,
    commandMemory: dedupWindowFromEnv(),
  });
  await runner.load();
  const restored = await prices.restore();
  const input = new RedisEngineInputSource({ shard, url: config.redisUrl, prefix: config.redisPrefix, consumer: `engine-${shard}` });
  input.start(runner.handle);
  await input.ready;
  // Clock inputs travel through the command streams, so they are ordered with the commands.
  const clockClient = new RedisEngineClient({ url: config.redisUrl, prefix: config.redisPrefix, shards });
  const stopClock = startEngineClock(clockClient);

  const heartbeat = setInterval(() => {
    const beat = JSON.stringify({ shard, position: runner.position, at: Date.now() });
    void redis.set(`${config.redisPrefix}engine:${shard}:heartbeat`, beat, 'PX', 10_000).catch(() => undefined);
  }, 1_000);
  log.info({ shard, shards, log: describeEventStore(config), position: runner.position, pricesRestored: restored }, `engine shard ${shard}/${shards} running`);

  stopOnSignals(log, async () => {
    clearInterval(heartbeat);
    stopClock();
    await input.stop(5_000);
    await runner.snapshot();
    await clockClient.close();
    await store.close();
    redis.disconnect();
  });
}

runMain(log, main, (error) => error instanceof ConfigError);
