import type { QuoteUsed } from './position-opened.event.js';

/** CANCELLED by its owner, EXPIRED by its lifetime, NO_MONEY when its margin could not be covered at trigger time. */
export type CancelReason = 'CANCELLED' | 'EXPIRED' | 'NO_MONEY';

export interface OrderCancelled {
  type: 'OrderCancelled';
  data: {
    accountId: number;
    orderId: number;
    reason: CancelReason;
    cancelledAt: string;
    quote: QuoteUsed | null;
  };
}
