import { Redis } from 'ioredis';
import { describeEventStore, openEventStore, SqliteEventStore, type RecordedEvent } from '../../../libs/event-store/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { runMain, stopOnSignals } from '../../../libs/platform/src/process-lifecycle.js';
import { RedisReadModelStore } from '../../../libs/read-models/src/redis/redis-read-model-store.js';
import { ConfigError, loadConfig } from '../../api/src/config/app-config.js';
import { checkpointChannel, eventsStream, logAppendedChannel } from './channels.js';
import { Projector } from './projector.js';

const log = createLogger('projector-main');

const RELAY_MAX_LEN = 100_000;
/** A read of the log when no append was announced for this long (an announcement lost to a reconnection). */
const FALLBACK_READ_MS = 250;

/**
 * Distributed mode: the single writer of the shared read models (in Redis). After each batch is
 * stored it announces the new checkpoint (API instances wait on it for read-your-writes) and relays
 * the batch to the events stream for any other consumer. The relay is at-least-once: a consumer
 * deduplicates by `position`.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) throw new ConfigError('The projector process needs REDIS_URL (distributed mode); for one process run `npm start`');
  const redis = new Redis(config.redisUrl);
  const store = openEventStore({ ...config, pollIntervalMs: FALLBACK_READ_MS });
  // The SQLite log is appended by the engine process: its subscription reads on when the engine
  // announces an append, not on a short timer. EventStoreDB pushes new events to its subscriptions.
  const sqlite = store instanceof SqliteEventStore ? store : null;
  const announcements = sqlite && new Redis(config.redisUrl);
  if (sqlite && announcements) {
    await announcements.subscribe(logAppendedChannel(config.redisPrefix));
    announcements.on('message', () => sqlite.wakeSubscribers());
    // Announcements made while the connection was down are lost: read the log again at once.
    announcements.on('ready', () => sqlite.wakeSubscribers());
  }
  // Its own connection: the store fences each batch with WATCH, which belongs to a connection.
  const readModels = new RedisReadModelStore(config.redisUrl, `${config.redisPrefix}rm:`);

  const relay = async (events: RecordedEvent[]) => {
    const pipeline = redis.pipeline();
    for (const e of events) {
      pipeline.xadd(eventsStream(config.redisPrefix), 'MAXLEN', '~', RELAY_MAX_LEN, '*',
        'position', String(e.position), 'stream', e.stream, 'type', e.type, 'data', JSON.stringify(e.data), 'metadata', JSON.stringify(e.metadata));
    }
    await pipeline.exec();
  };
  const projector = new Projector(
    store,
    readModels,
    (position) => void redis.publish(checkpointChannel(config.redisPrefix), String(position)).catch(() => undefined),
    createLogger('projector'),
    relay,
  );
  await projector.start();
  log.info({ log: describeEventStore(config), checkpoint: await readModels.checkpoint() }, 'projector running');

  stopOnSignals(log, async () => {
    await projector.stop();
    await store.close();
    announcements?.disconnect();
    redis.disconnect();
  });
}

runMain(log, main, (error) => error instanceof ConfigError);
