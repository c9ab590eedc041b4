import type { Quote } from '../../../libs/domain/src/index.js';

/** A source of prices: simulated, manual (admin ticks only), an external publisher, an exchange. */
export interface PriceFeed {
  start(publish: (tick: Quote) => void): Promise<void> | void;
  stop(): Promise<void> | void;
}
