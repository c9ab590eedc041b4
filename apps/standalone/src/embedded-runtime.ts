import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PriceBoard } from '../../../libs/domain/src/index.js';
import { openEventStore } from '../../../libs/event-store/src/index.js';
import { InProcessEngineBus } from '../../../libs/messaging/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { SqliteReadModelStore } from '../../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { ProjectionWatermark } from '../../../libs/read-models/src/watermark/projection-watermark.js';
import type { AppConfig } from '../../api/src/config/app-config.js';
import { overall } from '../../api/src/health/health.port.js';
import { SqliteIdempotencyStore } from '../../api/src/idempotency/idempotency.store.js';
import type { ApiRuntime } from '../../api/src/runtime.tokens.js';
import { startEngineClock } from '../../engine/src/engine-clock.js';
import { EngineRunner } from '../../engine/src/engine-runner.js';
import { FileSnapshotStore, snapshotFileFor } from '../../engine/src/snapshots/snapshot-store.js';
import type { PriceFeed } from '../../price-feed/src/price-feed.port.js';
import { SimulatedPriceFeed } from '../../price-feed/src/simulated-price-feed.js';
import { Projector } from '../../projector/src/projector.js';

export const READ_MODELS_FILE = 'read-models.sqlite';

/** Every part in one process: SQLite log and read models in DATA_DIR, an in-process bus. */
export interface EmbeddedRuntime extends ApiRuntime {
  stop(): Promise<void>;
}

function feedFor(config: AppConfig): PriceFeed | null {
  switch (config.priceFeed) {
    case 'simulated':
      return new SimulatedPriceFeed();
    case 'manual':
      return null;
    case 'redis':
    case 'binance':
      throw new Error(`PRICE_FEED=${config.priceFeed} is not available in embedded mode yet; use simulated or manual`);
  }
}

export async function startEmbedded(config: AppConfig): Promise<EmbeddedRuntime> {
  const log = createLogger('embedded');
  const events = openEventStore(config);
  const readModels = new SqliteReadModelStore(join(config.dataDir, READ_MODELS_FILE));
  const watermark = new ProjectionWatermark();
  const prices = new PriceBoard();
  const bus = new InProcessEngineBus();
  const idempotency = new SqliteIdempotencyStore(join(config.dataDir, 'idempotency.sqlite'));

  const projector = new Projector(events, readModels, (p) => watermark.advance(p), createLogger('projector'));
  await projector.start();

  const engine = new EngineRunner(events, prices, {
    priceStaleMs: config.priceStaleMs,
    logger: createLogger('engine'),
    snapshots: new FileSnapshotStore(snapshotFileFor(config.dataDir)),
    snapshotEvery: config.snapshotEvery,
  });
  await engine.load();
  bus.start(engine.handle);
  const stopClock = startEngineClock(bus);

  const feed = feedFor(config);
  await feed?.start((tick) => bus.submit({ command: { type: 'ApplyTick', commandId: randomUUID(), tick }, correlationId: 'price-feed' }));
  log.info({ dataDir: config.dataDir, priceFeed: config.priceFeed }, 'embedded runtime started');

  return {
    config,
    engine: bus,
    readModels,
    watermark,
    prices,
    events,
    idempotency,
    health: {
      async check() {
        const head = await events.headPosition();
        const checkpoint = watermark.current();
        return overall({
          log: { status: 'up', kind: config.eventStoreUrl ? 'eventstoredb' : 'sqlite', head },
          engine: { status: 'up', position: engine.position, queued: bus.depth },
          readModels: { status: projector.error ? 'down' : 'up', checkpoint, lag: head - checkpoint, error: projector.error?.message },
          prices: { status: prices.all().length > 0 || config.priceFeed === 'manual' ? 'up' : 'degraded', feed: config.priceFeed, symbols: prices.all().length },
        });
      },
    },
    async stop() {
      stopClock();
      await feed?.stop();
      await bus.stop();
      // A clean shutdown leaves a snapshot at the head of the log: the next start folds nothing.
      await engine.snapshot();
      await projector.stop();
      await events.close();
      await readModels.close();
      await idempotency.close();
    },
  };
}
