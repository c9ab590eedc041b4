import type { MarketView, Quote } from './pricing.js';

/** The latest quote per symbol. Not event-sourced: prices are inputs, not decisions. */
export class PriceBoard implements MarketView {
  private readonly quotes = new Map<string, Quote>();

  quote(symbol: string): Quote | undefined {
    return this.quotes.get(symbol);
  }

  update(quote: Quote): void {
    this.quotes.set(quote.symbol, quote);
  }

  all(): Quote[] {
    return [...this.quotes.values()];
  }
}
