import type { FeedStatus } from './price-feed.port.js';

/** Distributed mode: the feed process keeps its status here (refreshed every second) for /health. */
export const feedStatusKey = (prefix: string) => `${prefix}feed:status`;
export const FEED_STATUS_INTERVAL_MS = 1_000;
/** A status older than this has expired: the feed process is gone. */
export const FEED_STATUS_TTL_MS = 5_000;

export interface PublishedFeedStatus extends FeedStatus {
  /** Epoch ms when the feed process wrote it. */
  at: number;
}

export function decodeFeedStatus(text: string | null): PublishedFeedStatus | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as PublishedFeedStatus;
    return typeof value === 'object' && value !== null && typeof value.state === 'string' && typeof value.feed === 'string' ? value : null;
  } catch {
    return null;
  }
}
