import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PriceBoard } from '../../../libs/domain/src/index.js';
import { EVENTS_FILE, openEventStore, SqliteEventStore, type EventStore } from '../../../libs/event-store/src/index.js';
import { CandleProjection, feedingCandles, SqliteCandleStore } from '../../../libs/market-data/src/index.js';
import { InProcessEngineBus } from '../../../libs/messaging/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { runningServicePid, writePidFile } from '../../../libs/platform/src/pid-file.js';
import { SqliteReadModelStore } from '../../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { ProjectionWatermark } from '../../../libs/read-models/src/watermark/projection-watermark.js';
import type { AppConfig } from '../../api/src/config/app-config.js';
import { overall } from '../../api/src/health/health.port.js';
import { priceHealth } from '../../api/src/market/price-health.js';
import { SqliteIdempotencyStore } from '../../api/src/idempotency/idempotency.store.js';
import { SqliteSessionRevocations } from '../../api/src/auth/session-revocations.js';
import { EngineInstrumentation } from '../../api/src/metrics/engine-instrumentation.js';
import { TradestreamMetrics } from '../../api/src/metrics/metrics.js';
import type { ApiRuntime } from '../../api/src/runtime.tokens.js';
import { InProcessLiveEvents } from '../../api/src/streaming/live-events.js';
import { startEngineClock } from '../../engine/src/engine-clock.js';
import { dedupWindowFromEnv } from '../../engine/src/dedup-window.js';
import { EngineRunner } from '../../engine/src/engine-runner.js';
import { FileSnapshotStore, snapshotFileFor } from '../../engine/src/snapshots/snapshot-store.js';
import type { PriceFeed } from '../../price-feed/src/price-feed.port.js';
import { createPriceFeed, manualFeedStatus } from '../../price-feed/src/price-feeds.js';
import { Projector } from '../../projector/src/projector.js';
import { StorageThread } from './storage/storage-thread.js';
import { ThreadedSqliteEventStore } from './storage/threaded-sqlite-event-store.js';

export const READ_MODELS_FILE = 'read-models.sqlite';
/** The candle read model (bars from ticks), in its own file: ticks are not in the event log. */
export const CANDLES_FILE = 'candles.sqlite';

/** Every part in one process: SQLite log and read models in DATA_DIR, an in-process bus. */
export interface EmbeddedRuntime extends ApiRuntime {
  stop(): Promise<void>;
}

/** The feed PRICE_FEED names (simulated, binance, redis, replay), or null for manual. */
function feedFor(config: AppConfig): PriceFeed | null {
  return createPriceFeed(config);
}

/** Who writes the read models: the storage thread (SQLite log) or a projector on this thread (EventStoreDB). */
interface Projection {
  readonly error: Error | undefined;
  stop(): Promise<void>;
}

/**
 * The log, the read models, and what writes them. With the SQLite log, appends and projection run
 * on a storage thread of their own (their CPU time and the fsync off the thread that serves
 * requests), and this thread reads both files through connections of its own; with EventStoreDB
 * the projector follows the server's subscription on this thread.
 */
async function openLogAndReadModels(
  config: AppConfig,
  watermark: ProjectionWatermark,
  liveEvents: InProcessLiveEvents,
): Promise<{ events: EventStore; readModels: SqliteReadModelStore; projection: Projection }> {
  const readModelsFile = join(config.dataDir, READ_MODELS_FILE);
  if (config.eventStoreUrl) {
    const events = openEventStore(config);
    const readModels = new SqliteReadModelStore(readModelsFile);
    const projector = new Projector(events, readModels, (p) => watermark.advance(p), createLogger('projector'), liveEvents.publish);
    await projector.start();
    return { events, readModels, projection: projector };
  }
  const eventsFile = join(config.dataDir, EVENTS_FILE);
  const storage = await StorageThread.start({
    eventsFile,
    readModelsFile,
    logger: createLogger('storage'),
    onProjected: (position, events) => {
      if (events) void liveEvents.publish(events);
      watermark.advance(position);
    },
  });
  // Opened once the storage thread has created both files' schemas.
  const events = new ThreadedSqliteEventStore(new SqliteEventStore(eventsFile), storage);
  const readModels = new SqliteReadModelStore(readModelsFile);
  const projection: Projection = {
    get error() {
      return storage.failure;
    },
    stop: () => storage.stop(),
  };
  return { events, readModels, projection };
}

export async function startEmbedded(config: AppConfig): Promise<EmbeddedRuntime> {
  const log = createLogger('embedded');
  // First, so a bad feed setting stops the start before anything is opened.
  const feed = feedFor(config);
  const other = runningServicePid(config.dataDir);
  if (other !== undefined) log.warn({ pid: other, dataDir: config.dataDir }, 'another process says it runs a service on this DATA_DIR');
  // Lets `npm run rebuild` / `npm run verify` refuse to work under a running service.
  const removePidFile = writePidFile(config.dataDir);
  const watermark = new ProjectionWatermark();
  const liveEvents = new InProcessLiveEvents();
  const { events, readModels, projection } = await openLogAndReadModels(config, watermark, liveEvents);
  const prices = new PriceBoard();
  // Bounded: past ENGINE_MAX_QUEUE waiting inputs, commands are refused (429) and ticks coalesced per symbol.
  const bus = new InProcessEngineBus(1_000, config.engineMaxQueue);
  const idempotency = new SqliteIdempotencyStore(join(config.dataDir, 'idempotency.sqlite'));
  const sessions = new SqliteSessionRevocations(join(config.dataDir, 'sessions.sqlite'));
  // /metrics measures the engine from outside (queue, batches, appends, outcomes); the stream
  // endpoints hear of each event once the projector stored it.
  const metrics = new TradestreamMetrics();
  const instrumentation = new EngineInstrumentation(metrics);
  const engineClient = instrumentation.client(bus);

  const engine = new EngineRunner(instrumentation.eventStore(events), prices, {
    priceStaleMs: config.priceStaleMs,
    logger: createLogger('engine'),
    snapshots: new FileSnapshotStore(snapshotFileFor(config.dataDir)),
    snapshotEvery: config.snapshotEvery,
    commandMemory: dedupWindowFromEnv(),
  });
  await engine.load();
  // Candles are projected from the ticks of every batch the engine handled (feed and admin ticks alike).
  const candles = new SqliteCandleStore(join(config.dataDir, CANDLES_FILE));
  const candleProjection = new CandleProjection(candles, createLogger('candles'));
  bus.start(instrumentation.handler(feedingCandles(engine.handle, candleProjection)));
  const stopClock = startEngineClock(bus);

  // Resolves once the engine applied the tick: a replay at speed 0 goes as fast as the engine takes them.
  await feed?.start((tick) =>
    engineClient.request({ command: { type: 'ApplyTick', commandId: randomUUID(), tick }, correlationId: `price-feed:${feed.name}` }, 60_000).then(
      () => undefined,
      (error: unknown) => log.warn({ err: error, symbol: tick.symbol }, 'a feed tick was not applied'),
    ),
  );
  metrics.observe({
    engineQueueDepth: () => bus.depth,
    openPositions: () => engine.engineState.positions.size,
    logHead: () => events.headPosition(),
    projectorCheckpoint: () => watermark.current(),
  });
  log.info({ dataDir: config.dataDir, priceFeed: config.priceFeed }, 'embedded runtime started');

  return {
    config,
    engine: engineClient,
    readModels,
    watermark,
    prices,
    events,
    idempotency,
    sessions,
    candles,
    metrics,
    liveEvents,
    health: {
      async check() {
        const head = await events.headPosition();
        const checkpoint = watermark.current();
        return overall({
          log: { status: 'up', kind: config.eventStoreUrl ? 'eventstoredb' : 'sqlite', head },
          engine: { status: 'up', position: engine.position, queued: bus.depth, maxQueue: bus.maxQueue, refused: bus.refused, coalesced: bus.coalesced },
          readModels: { status: projection.error ? 'down' : 'up', checkpoint, lag: head - checkpoint, error: projection.error?.message },
          prices: priceHealth({ prices, priceFeed: config.priceFeed, feed: feed?.status() ?? manualFeedStatus(), staleMs: config.priceStaleMs, now: Date.now() }),
        });
      },
    },
    async stop() {
      stopClock();
      await feed?.stop();
      await bus.stop();
      await candleProjection.flushed();
      await candles.close();
      // A clean shutdown leaves a snapshot at the head of the log: the next start folds nothing.
      await engine.snapshot();
      await projection.stop();
      await events.close();
      await readModels.close();
      await idempotency.close();
      await sessions.close();
      removePidFile();
    },
  };
}
