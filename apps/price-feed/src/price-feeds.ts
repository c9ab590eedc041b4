import { createLogger } from '../../../libs/platform/src/logger.js';
import type { AppConfig } from '../../api/src/config/app-config.js';
import { BinancePriceFeed } from './binance/binance-price-feed.js';
import { loadFeedSettings, type FeedSettings } from './feed-settings.js';
import type { FeedStatus, PriceFeed } from './price-feed.port.js';
import { RedisStreamPriceFeed } from './redis/redis-stream-price-feed.js';
import { ReplayPriceFeed } from './replay/replay-price-feed.js';
import { SimulatedPriceFeed } from './simulated-price-feed.js';

/**
 * The feed PRICE_FEED names, with its settings from the environment (both deployments use this):
 * `simulated`, `binance`, `redis`, `replay`; null for `manual` (prices only from the admin endpoint).
 * Throws ConfigError for bad feed settings.
 */
export function createPriceFeed(config: AppConfig, env: NodeJS.ProcessEnv = process.env): PriceFeed | null {
  const settings: FeedSettings = loadFeedSettings(config.priceFeed, env, { url: config.redisUrl ?? (env.REDIS_URL || null), prefix: config.redisPrefix });
  switch (config.priceFeed) {
    case 'simulated':
      return new SimulatedPriceFeed();
    case 'manual':
      return null;
    case 'binance':
      return new BinancePriceFeed({ ...settings.binance, logger: createLogger('binance-feed') });
    case 'redis':
      return new RedisStreamPriceFeed({ ...settings.redis, logger: createLogger('redis-feed') });
    case 'replay':
      return new ReplayPriceFeed({ ...settings.replay, logger: createLogger('replay-feed') });
  }
}

/** What /health shows for a deployment whose feed is `manual` (no feed object). */
export const manualFeedStatus = (): FeedStatus => ({ feed: 'manual', state: 'idle', ticks: 0, lastTickAt: null, detail: 'prices come only from POST /api/v1/admin/ticks' });
