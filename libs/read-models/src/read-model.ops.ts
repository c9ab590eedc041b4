import type { AccountView, ClosedOrderView, OpenOrderView, UserView } from './views.js';

/** The changes a projection asks a store to make; stores apply a batch of them atomically. */
export type ReadModelOp =
  | { op: 'putUser'; user: UserView }
  | { op: 'putAccount'; account: AccountView }
  | { op: 'setBalance'; accountId: number; balance: string }
  | { op: 'addMargin'; accountId: number; delta: string }
  | { op: 'putOpenOrder'; order: OpenOrderView }
  | { op: 'reduceOpenOrder'; orderId: number; remainingVolume: string; marginReleased: string }
  | { op: 'deleteOpenOrder'; orderId: number }
  | { op: 'addClosedOrder'; order: ClosedOrderView };
