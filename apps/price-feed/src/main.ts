import { randomUUID } from 'node:crypto';
import { RedisEngineClient } from '../../../libs/messaging/src/index.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { ConfigError, loadConfig } from '../../api/src/config/app-config.js';
import type { PriceFeed } from './price-feed.port.js';
import { SimulatedPriceFeed } from './simulated-price-feed.js';

const log = createLogger('price-feed');

/** Distributed mode: publishes ticks to the shared tick stream that every engine shard reads. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) throw new ConfigError('The price feed process needs REDIS_URL (distributed mode)');
  let feed: PriceFeed;
  switch (config.priceFeed) {
    case 'simulated':
      feed = new SimulatedPriceFeed();
      break;
    case 'manual':
      log.info('PRICE_FEED=manual: prices come only from POST /api/v1/admin/ticks; nothing to publish');
      return;
    default:
      throw new ConfigError(`PRICE_FEED=${config.priceFeed} is not available yet; use simulated or manual`);
  }
  const client = new RedisEngineClient({ url: config.redisUrl, prefix: config.redisPrefix, shards: config.engineShards });
  await feed.start((tick) => client.submit({ command: { type: 'ApplyTick', commandId: randomUUID(), tick }, correlationId: 'price-feed' }));
  log.info({ feed: config.priceFeed }, 'price feed publishing');
  const shutdown = async () => {
    await feed.stop();
    await client.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, error instanceof ConfigError ? error.message : 'price feed failed to start');
  process.exit(1);
});
