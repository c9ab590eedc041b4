import type {
  AccountView,
  ClosedOrderView,
  DealView,
  GroupView,
  HistoryOrderView,
  OpenOrderView,
  OrderFinalState,
  PendingOrderView,
  UserView,
} from './views.js';

/** The changes a projection asks a store to make; stores apply a batch of them atomically. */
export type ReadModelOp =
  | { op: 'putUser'; user: UserView }
  | { op: 'putAccount'; account: AccountView }
  | { op: 'setBalance'; accountId: number; balance: string }
  | { op: 'addMargin'; accountId: number; delta: string }
  | { op: 'putOpenOrder'; order: OpenOrderView }
  | { op: 'reduceOpenOrder'; orderId: number; remainingVolume: string; marginReleased: string }
  | { op: 'deleteOpenOrder'; orderId: number }
  | { op: 'addClosedOrder'; order: ClosedOrderView }
  | { op: 'setOpenOrderLevels'; orderId: number; takeProfit: string | null; stopLoss: string | null }
  | { op: 'putPendingOrder'; order: PendingOrderView }
  | { op: 'patchPendingOrder'; orderId: number; changes: Partial<Omit<PendingOrderView, 'orderId' | 'accountId'>> }
  | { op: 'deletePendingOrder'; orderId: number }
  | { op: 'putGroup'; group: GroupView }
  | { op: 'setAccountGroup'; accountId: number; group: string; leverage: number }
  /** An order that is final as it is put (a market order filled at open); keyed by orderId. */
  | { op: 'putHistoryOrder'; order: HistoryOrderView }
  /**
   * Copies a pending order, as the read model holds it, into the order history with its final state
   * (before the pending order is deleted); keyed by orderId.
   */
  | {
      op: 'archivePendingOrder';
      orderId: number;
      state: OrderFinalState;
      doneAt: string;
      fillPrice: string | null;
      position: number;
    }
  /** A deal; keyed by dealId (the log position), so putting it again changes nothing. */
  | { op: 'putDeal'; deal: DealView };

/** What `archivePendingOrder` writes, the same in every store: the pending order with its final state. */
export function archivedOrder(pending: PendingOrderView, op: Extract<ReadModelOp, { op: 'archivePendingOrder' }>): HistoryOrderView {
  return {
    orderId: pending.orderId,
    accountId: pending.accountId,
    symbol: pending.symbol,
    orderType: pending.orderType,
    side: pending.side,
    state: op.state,
    volume: pending.volume,
    price: pending.price,
    stopLimitPrice: pending.stopLimitPrice,
    fillPrice: op.fillPrice,
    leverage: pending.leverage,
    takeProfit: pending.takeProfit,
    stopLoss: pending.stopLoss,
    expiration: pending.expiration,
    placedAt: pending.placedAt,
    doneAt: op.doneAt,
    clientId: pending.clientId,
    comment: pending.comment,
    magic: pending.magic,
    position: op.position,
  };
}
