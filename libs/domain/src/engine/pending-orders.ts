import type { Instrument } from '../instruments/instrument.js';
import type { Fixed } from '../money/fixed.js';
import type { Quote, Side } from '../pricing/pricing.js';
import type { EntryTrigger } from '../triggers/trigger-index.js';
import type { ExpirationType, PendingOrderType } from './events/index.js';

const DAY_MS = 86_400_000;

export const sideOf = (type: PendingOrderType): Side => (type.startsWith('BUY') ? 'BUY' : 'SELL');

export const isStopLimit = (type: PendingOrderType): boolean => type.endsWith('_STOP_LIMIT');

/** How the trigger index watches an order: a stop-limit waits on its stop price like a stop. */
export function entryTrigger(type: PendingOrderType): EntryTrigger {
  switch (type) {
    case 'BUY_LIMIT':
    case 'SELL_LIMIT':
    case 'BUY_STOP':
    case 'SELL_STOP':
      return type;
    case 'BUY_STOP_LIMIT':
      return 'BUY_STOP';
    case 'SELL_STOP_LIMIT':
      return 'SELL_STOP';
  }
}

/**
 * Where an entry may rest against the market now: buy limits below the ask, buy stops above it,
 * sell limits above the bid, sell stops below it. A stop-limit's limit lies on the near side of its
 * stop (below a buy stop, above a sell stop).
 */
export function entryPriceValid(type: PendingOrderType, price: Fixed, stopLimitPrice: Fixed | null, quote: Quote): boolean {
  switch (type) {
    case 'BUY_LIMIT':
      return price < quote.ask;
    case 'SELL_LIMIT':
      return price > quote.bid;
    case 'BUY_STOP':
      return price > quote.ask;
    case 'SELL_STOP':
      return price < quote.bid;
    case 'BUY_STOP_LIMIT':
      return price > quote.ask && stopLimitPrice !== null && stopLimitPrice <= price;
    case 'SELL_STOP_LIMIT':
      return price < quote.bid && stopLimitPrice !== null && stopLimitPrice >= price;
  }
}

/** The price the order means to fill at, which its TP and SL are measured against. */
export const fillReference = (price: Fixed, stopLimitPrice: Fixed | null): Fixed => stopLimitPrice ?? price;

const endOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS;

/**
 * When an order expires (epoch ms), or null for GTC; undefined when the request makes no sense.
 * DAY lasts until the end of the current trading day (UTC), SPECIFIED until the given time,
 * SPECIFIED_DAY until the end of the given time's day.
 */
export function resolveExpiry(type: ExpirationType, time: number | null, now: number): number | null | undefined {
  switch (type) {
    case 'GTC':
      return null;
    case 'DAY':
      return endOfDay(now);
    case 'SPECIFIED':
      return time !== null && time > now ? time : undefined;
    case 'SPECIFIED_DAY':
      return time !== null && endOfDay(time) > now ? endOfDay(time) : undefined;
  }
}

export function instrumentDigitsOk(instrument: Instrument, ...values: (Fixed | null)[]): boolean {
  const unit = 10n ** BigInt(8 - instrument.digits);
  return values.every((v) => v === null || (v > 0n && v % unit === 0n));
}
