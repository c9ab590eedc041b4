import type { Redis } from 'ioredis';
import { fixedToString, parseFixed, PriceBoard, type Quote } from '../../../libs/domain/src/index.js';

/** Where the engines publish the prices they applied, for API instances to show and quote. */
export const pricesKey = (prefix: string) => `${prefix}prices`;
export const pricesChannel = (prefix: string) => `${prefix}prices:updates`;

export const encodeQuote = (q: Quote) =>
  JSON.stringify({ symbol: q.symbol, bid: fixedToString(q.bid), ask: fixedToString(q.ask), time: q.time, ...(q.feed ? { feed: q.feed } : {}) });

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

  /**
   * Ticks are not events, so a restarted engine would know no price until the next tick although
   * it published the last ones itself: take them back (the staleness limit still applies to them).
   */
  async restore(): Promise<number> {
    const all = await this.redis.hgetall(pricesKey(this.prefix));
    for (const text of Object.values(all)) {
      const q = JSON.parse(text) as { symbol: string; bid: string; ask: string; time: number; feed?: string };
      super.update({ symbol: q.symbol, bid: parseFixed(q.bid), ask: parseFixed(q.ask), time: q.time, ...(q.feed ? { feed: q.feed } : {}) });
    }
    return Object.keys(all).length;
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
