import type { Redis } from 'ioredis';
import { fixedToString, PriceBoard, type Quote } from '../../../libs/domain/src/index.js';

/** Where the engines publish the prices they applied, for API instances to show and quote. */
export const pricesKey = (prefix: string) => `${prefix}prices`;
export const pricesChannel = (prefix: string) => `${prefix}prices:updates`;

export const encodeQuote = (q: Quote) => JSON.stringify({ symbol: q.symbol, bid: fixedToString(q.bid), ask: fixedToString(q.ask), time: q.time });

/**
 * The engine's price board, remembering which symbols moved so that each batch publishes its
 * prices once (one pipelined round trip), after the batch is logged and before replies go out.
 */
export class PublishingPriceBoard extends PriceBoard {
  private readonly dirty = new Map<string, Quote>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  override update(quote: Quote): void {
    super.update(quote);
    this.dirty.set(quote.symbol, quote);
  }

  async flush(): Promise<void> {
    if (this.dirty.size === 0) return;
    const quotes = [...this.dirty.values()];
    this.dirty.clear();
    const fields = quotes.flatMap((q) => [q.symbol, encodeQuote(q)]);
    await this.redis
      .multi()
      .hset(pricesKey(this.prefix), ...fields)
      .publish(pricesChannel(this.prefix), JSON.stringify(quotes.map(encodeQuote)))
      .exec();
  }
}
