import type { QuoteUsed } from './position-opened.event.js';

/** A stop-limit's stop price was reached: it now rests as a limit order at its stop-limit price. */
export interface OrderActivated {
  type: 'OrderActivated';
  data: {
    accountId: number;
    orderId: number;
    orderType: 'BUY_LIMIT' | 'SELL_LIMIT';
    price: string;
    activatedAt: string;
    quote: QuoteUsed;
  };
}
