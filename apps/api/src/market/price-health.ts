import type { PriceBoard } from '../../../../libs/domain/src/index.js';
import type { FeedStatus } from '../../../price-feed/src/price-feed.port.js';
import type { PriceFeedKind } from '../config/app-config.js';
import type { ComponentHealth } from '../health/health.port.js';

export interface PriceHealthInput {
  prices: PriceBoard;
  /** PRICE_FEED of this deployment. */
  priceFeed: PriceFeedKind;
  /** The feed's own report; null when none could be had (distributed: no status from the feed process). */
  feed: FeedStatus | null;
  /** Why there is no feed report. */
  feedProblem?: string;
  staleMs: number;
  now: number;
}

/**
 * The `prices` component of /health: the feed's state (connected, reconnecting, idle) and, per
 * symbol, how old its price is and whether it is stale (older than PRICE_STALE_MS: no price for
 * new orders). Degraded (never down: reads still work) while the feed reconnects, reports nothing,
 * or a live feed has produced no price yet.
 */
export function priceHealth(input: PriceHealthInput): ComponentHealth {
  const { prices, feed, staleMs, now } = input;
  const quotes: Record<string, { ageMs: number; time: string; stale: boolean; feed?: string }> = {};
  let stale = 0;
  for (const q of [...prices.all()].sort((a, b) => a.symbol.localeCompare(b.symbol))) {
    const ageMs = Math.max(0, now - q.time);
    const isStale = ageMs > staleMs;
    if (isStale) stale += 1;
    quotes[q.symbol] = { ageMs, time: new Date(q.time).toISOString(), stale: isStale, ...(q.feed ? { feed: q.feed } : {}) };
  }
  const state = feed?.state ?? 'idle';
  const manual = input.priceFeed === 'manual';
  let status: ComponentHealth['status'] = 'up';
  if (!manual && (feed === null || state === 'reconnecting' || (state === 'connected' && prices.all().length === 0))) status = 'degraded';
  const health: ComponentHealth = {
    status,
    feed: input.priceFeed,
    state,
    ticks: feed?.ticks ?? 0,
    lastTickAt: feed?.lastTickAt ? new Date(feed.lastTickAt).toISOString() : null,
    staleAfterMs: staleMs,
    symbols: prices.all().length,
    stale,
    quotes,
  };
  const detail = feed ? feed.detail : input.feedProblem;
  if (detail) health.detail = detail;
  return health;
}
