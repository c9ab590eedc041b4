import type { Quote } from '../../../libs/domain/src/index.js';

/**
 * - `connected`: the feed has its source and ticks flow (or can flow);
 * - `reconnecting`: the source was lost (or never reached) and the feed is retrying;
 * - `idle`: not started, stopped, or finished (a replay at its end; `manual` is always idle).
 */
export type FeedState = 'connected' | 'reconnecting' | 'idle';

export interface FeedStatus {
  /** The feed's name, also stamped on every tick it publishes (`Quote.feed`). */
  feed: string;
  state: FeedState;
  /** Ticks published since start. */
  ticks: number;
  /** Epoch ms of the last tick published, null before the first. */
  lastTickAt: number | null;
  /** Why it is not connected (the last connection error), when it says. */
  detail?: string;
}

/**
 * Where ticks go. A feed that can pace itself (replay) waits for the returned promise before it
 * publishes more; live feeds ignore it.
 */
export type PublishTick = (tick: Quote) => void | Promise<void>;

/** A source of prices: simulated, manual (admin ticks only), an external publisher, an exchange. */
export interface PriceFeed {
  /** Stamped on every tick (`Quote.feed`) so fill events show which feed priced them. */
  readonly name: string;
  start(publish: PublishTick): Promise<void> | void;
  stop(): Promise<void> | void;
  status(): FeedStatus;
}
