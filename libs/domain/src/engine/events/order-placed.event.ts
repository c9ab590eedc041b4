import type { Side } from '../../pricing/pricing.js';

/** Pending order kinds: limit and stop entries, and the stop-limit pair (a stop that places a limit). */
export type PendingOrderType = 'BUY_LIMIT' | 'SELL_LIMIT' | 'BUY_STOP' | 'SELL_STOP' | 'BUY_STOP_LIMIT' | 'SELL_STOP_LIMIT';

/** MetaTrader's pending-order lifetimes. */
export type ExpirationType = 'GTC' | 'DAY' | 'SPECIFIED' | 'SPECIFIED_DAY';

export interface Expiration {
  type: ExpirationType;
  /** When the order expires (ISO-8601), resolved at placement; null for GTC. */
  at: string | null;
}

export interface OrderPlaced {
  type: 'OrderPlaced';
  data: {
    accountId: number;
    orderId: number;
    symbol: string;
    orderType: PendingOrderType;
    side: Side;
    volume: string;
    /** Entry price (limit or stop price). */
    price: string;
    /** The limit price a stop-limit places once its stop price is reached. */
    stopLimitPrice: string | null;
    leverage: number;
    takeProfit: string | null;
    stopLoss: string | null;
    expiration: Expiration;
    placedAt: string;
    clientId: string | null;
    comment: string | null;
    magic: number | null;
  };
}
