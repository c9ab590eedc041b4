import { done, iso, ownedAccount, refuse, reject, type DecideContext, type Decision } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import type { CancelOrder } from './cancel-order.command.js';

export function cancelOrder(state: EngineState, command: CancelOrder, ctx: DecideContext): Decision {
  const order = state.orders.get(command.orderId);
  const account = order && ownedAccount(state, order.accountId, command.userId);
  if (!order || !account || (command.accountId !== null && command.accountId !== account.accountId)) {
    return refuse('TRADE_RETCODE_INVALID_ORDER', 'ORDER_NOT_FOUND');
  }
  if (ctx.now > command.deadline) return reject(account.accountId, command, 'TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED', ctx);
  return {
    events: [
      { type: 'OrderCancelled', data: { accountId: account.accountId, orderId: order.orderId, reason: 'CANCELLED', cancelledAt: iso(ctx.now), quote: null } },
    ],
    outcome: done({ accountId: account.accountId, orderId: order.orderId }),
  };
}
