import {
  DOMAIN_EVENT_TYPES,
  fixedToString,
  parseFixed,
  type CancelReason,
  type DomainEvent,
  type DomainEventType,
  type PositionClosed,
  type PositionOpened,
} from '../../domain/src/index.js';
import type { ReadModelOp } from './read-model.ops.js';
import type { DealView, OrderFinalState } from './views.js';

/** An event as it comes off the log: its type is any string, its data untyped. */
export interface LoggedEvent {
  type: string;
  data: unknown;
  position: number;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set<DomainEventType>(DOMAIN_EVENT_TYPES);

function isDomainEvent(event: LoggedEvent): event is LoggedEvent & DomainEvent {
  return KNOWN_TYPES.has(event.type);
}

/**
 * The read-model changes one logged event asks for. Pure: the same event always gives the same ops,
 * so a rebuild from the log ends where the live projection did.
 */
export function project(event: LoggedEvent): ReadModelOp[] {
  // A type this build does not know comes from a newer writer; skipping it keeps the projector
  // running, and a later rebuild with the newer code picks it up.
  if (!isDomainEvent(event)) return [];
  return projectDomainEvent(event, event.position);
}

function projectDomainEvent(event: DomainEvent, position: number): ReadModelOp[] {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, email, passwordHash, registeredAt, role, groups } = event.data;
      // A trader's document keeps its original shape; a manager's adds its role and groups.
      const manager = role === 'manager' ? { role, groups: groups ?? [] } : {};
      return [{ op: 'putUser', user: { userId, email, passwordHash, registeredAt, ...manager } }];
    }
    case 'AccountOpened': {
      const { accountId, userId, name, group, currency, leverage, openedAt } = event.data;
      const account = { accountId, userId, name, group, currency, leverage, openedAt, balance: '0', margin: '0' };
      return [{ op: 'putAccount', account }];
    }
    case 'BalanceChanged': {
      const { accountId, kind, amount, balance, comment, changedAt } = event.data;
      return [
        { op: 'setBalance', accountId, balance },
        { op: 'putDeal', deal: balanceDeal(position, accountId, changedAt, amount, kind, comment) },
      ];
    }
    case 'PositionOpened':
      return projectOpen(event.data, position);
    case 'PositionClosed':
      return projectClose(event.data, position);
    case 'BalanceWrittenOff': {
      const { accountId, amount, balance, at } = event.data;
      return [
        { op: 'setBalance', accountId, balance },
        // The broker absorbs the loss: a balance credit that brings the balance back to 0.
        { op: 'putDeal', deal: balanceDeal(position, accountId, at, amount, 'WRITE_OFF', 'Negative balance write-off') },
      ];
    }
    case 'AccountGroupChanged':
      return [{ op: 'setAccountGroup', accountId: event.data.accountId, group: event.data.group, leverage: event.data.leverage }];
    case 'GroupDefined': {
      const { name, leverage, maxLeverage, marginCallPercent, stopOutPercent, commissionPerLot, symbols, hedging } = event.data;
      return [{ op: 'putGroup', group: { name, leverage, maxLeverage, marginCallPercent, stopOutPercent, commissionPerLot, symbols, hedging } }];
    }
    case 'PositionModified':
      return [{ op: 'setOpenOrderLevels', orderId: event.data.orderId, takeProfit: event.data.takeProfit, stopLoss: event.data.stopLoss }];
    case 'OrderPlaced': {
      const d = event.data;
      const order = {
        orderId: d.orderId,
        accountId: d.accountId,
        symbol: d.symbol,
        orderType: d.orderType,
        side: d.side,
        volume: d.volume,
        price: d.price,
        stopLimitPrice: d.stopLimitPrice,
        leverage: d.leverage,
        takeProfit: d.takeProfit,
        stopLoss: d.stopLoss,
        expiration: d.expiration,
        placedAt: d.placedAt,
        clientId: d.clientId,
        comment: d.comment,
        magic: d.magic,
      };
      return [{ op: 'putPendingOrder', order }];
    }
    case 'OrderModified': {
      const { orderId, price, stopLimitPrice, takeProfit, stopLoss, expiration } = event.data;
      return [{ op: 'patchPendingOrder', orderId, changes: { price, stopLimitPrice, takeProfit, stopLoss, expiration } }];
    }
    case 'OrderActivated':
      return [
        {
          op: 'patchPendingOrder',
          orderId: event.data.orderId,
          changes: { orderType: event.data.orderType, price: event.data.price, stopLimitPrice: null },
        },
      ];
    case 'OrderCancelled': {
      const { orderId, reason, cancelledAt } = event.data;
      return [
        { op: 'archivePendingOrder', orderId, state: FINAL_STATE[reason], doneAt: cancelledAt, fillPrice: null, position },
        { op: 'deletePendingOrder', orderId },
      ];
    }
    case 'TradeRejected':
    case 'MarginCallTriggered':
    case 'MarginCallCleared':
      // Kept in the log for the audit trail; no read model shows them.
      return [];
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

/** How a cancelled pending order ends in the order history. */
const FINAL_STATE: Record<CancelReason, OrderFinalState> = { CANCELLED: 'CANCELED', EXPIRED: 'EXPIRED', NO_MONEY: 'REJECTED' };

const negate = (amount: string): string => fixedToString(-parseFixed(amount));

function balanceDeal(
  dealId: number,
  accountId: number,
  time: string,
  amount: string,
  reason: DealView['reason'],
  comment: string,
): DealView {
  return {
    dealId,
    accountId,
    kind: 'BALANCE',
    entry: null,
    time,
    symbol: null,
    volume: null,
    price: null,
    profit: amount,
    commission: '0',
    positionId: null,
    orderId: null,
    reason,
    takeProfit: null,
    stopLoss: null,
    clientId: null,
    comment: comment === '' ? null : comment,
    magic: null,
  };
}

function projectOpen(data: PositionOpened['data'], position: number): ReadModelOp[] {
  // Fields are copied one by one so a document holds its view's shape, never the event's extras (quote).
  const order = {
    orderId: data.orderId,
    accountId: data.accountId,
    symbol: data.symbol,
    side: data.side,
    volume: data.volume,
    leverage: data.leverage,
    openPrice: data.openPrice,
    margin: data.margin,
    takeProfit: data.takeProfit,
    stopLoss: data.stopLoss,
    openTime: data.openTime,
    clientId: data.clientId,
    comment: data.comment,
    orderType: data.orderType,
    commission: data.commission,
    magic: data.magic,
  };
  const history: ReadModelOp[] =
    data.orderType === 'MARKET'
      ? [
          {
            op: 'putHistoryOrder',
            order: {
              orderId: data.orderId,
              accountId: data.accountId,
              symbol: data.symbol,
              orderType: 'MARKET',
              side: data.side,
              state: 'FILLED',
              volume: data.volume,
              price: data.openPrice,
              stopLimitPrice: null,
              fillPrice: data.openPrice,
              leverage: data.leverage,
              takeProfit: data.takeProfit,
              stopLoss: data.stopLoss,
              expiration: { type: 'GTC', at: null },
              placedAt: data.openTime,
              doneAt: data.openTime,
              clientId: data.clientId,
              comment: data.comment,
              magic: data.magic,
              position,
            },
          },
        ]
      : [
          // A pending order that fills goes to the history as it rested, then becomes the position with the same id.
          { op: 'archivePendingOrder', orderId: data.orderId, state: 'FILLED', doneAt: data.openTime, fillPrice: data.openPrice, position },
          { op: 'deletePendingOrder', orderId: data.orderId },
        ];
  const deal: DealView = {
    dealId: position,
    accountId: data.accountId,
    kind: data.side,
    entry: 'IN',
    time: data.openTime,
    symbol: data.symbol,
    volume: data.volume,
    price: data.openPrice,
    profit: '0',
    commission: negate(data.commission),
    positionId: data.orderId,
    orderId: data.orderId,
    reason: 'OPEN',
    takeProfit: data.takeProfit,
    stopLoss: data.stopLoss,
    clientId: data.clientId,
    comment: data.comment,
    magic: data.magic,
  };
  return [
    ...history,
    { op: 'putOpenOrder', order },
    { op: 'addMargin', accountId: data.accountId, delta: data.margin },
    { op: 'setBalance', accountId: data.accountId, balance: data.balance },
    { op: 'putDeal', deal },
  ];
}

function projectClose(data: PositionClosed['data'], position: number): ReadModelOp[] {
  const { accountId, orderId, remainingVolume, marginReleased } = data;
  // Compared as a number, not as text: "0", "0.0" and "0.00" all mean the position is gone.
  const fullyClosed = parseFixed(remainingVolume) === 0n;
  return [
    fullyClosed
      ? { op: 'deleteOpenOrder', orderId }
      : { op: 'reduceOpenOrder', orderId, remainingVolume, marginReleased },
    {
      op: 'addClosedOrder',
      order: {
        orderId,
        accountId,
        symbol: data.symbol,
        side: data.side,
        volume: data.volume,
        leverage: data.leverage,
        openPrice: data.openPrice,
        closePrice: data.closePrice,
        takeProfit: data.takeProfit,
        stopLoss: data.stopLoss,
        openTime: data.openTime,
        closeTime: data.closeTime,
        profit: data.profit,
        reason: data.reason,
        position,
      },
    },
    { op: 'setBalance', accountId, balance: data.balance },
    { op: 'addMargin', accountId, delta: fixedToString(-parseFixed(marginReleased)) },
    {
      op: 'putDeal',
      deal: {
        dealId: position,
        accountId,
        // Closing a BUY sells, closing a SELL buys.
        kind: data.side === 'BUY' ? 'SELL' : 'BUY',
        entry: 'OUT',
        time: data.closeTime,
        symbol: data.symbol,
        volume: data.volume,
        price: data.closePrice,
        profit: data.profit,
        commission: '0',
        positionId: orderId,
        orderId,
        reason: data.reason,
        takeProfit: data.takeProfit,
        stopLoss: data.stopLoss,
        clientId: data.clientId,
        comment: data.comment,
        magic: null,
      },
    },
  ];
}
