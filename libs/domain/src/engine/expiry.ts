import { iso } from './decision.js';
import type { EngineState } from './engine.state.js';
import type { OrderCancelled } from './events/index.js';

/** Pending orders whose lifetime ended at or before `now`, in order id order. */
export function expiredOrders(state: EngineState, now: number): OrderCancelled[] {
  return state.expiries
    .atMost(now)
    .sort((a, b) => a - b)
    .map((orderId) => ({
      type: 'OrderCancelled' as const,
      data: { accountId: state.orders.get(orderId)!.accountId, orderId, reason: 'EXPIRED' as const, cancelledAt: iso(now), quote: null },
    }));
}
