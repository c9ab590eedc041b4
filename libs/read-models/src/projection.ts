import {
  DOMAIN_EVENT_TYPES,
  fixedToString,
  parseFixed,
  type DomainEvent,
  type DomainEventType,
  type PositionClosed,
  type PositionOpened,
} from '../../domain/src/index.js';
import type { ReadModelOp } from './read-model.ops.js';

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
      const { userId, email, passwordHash, registeredAt } = event.data;
      return [{ op: 'putUser', user: { userId, email, passwordHash, registeredAt } }];
    }
    case 'AccountOpened': {
      const { accountId, userId, name, group, currency, leverage, openedAt } = event.data;
      const account = { accountId, userId, name, group, currency, leverage, openedAt, balance: '0', margin: '0' };
      return [{ op: 'putAccount', account }];
    }
    case 'BalanceChanged':
      return [{ op: 'setBalance', accountId: event.data.accountId, balance: event.data.balance }];
    case 'PositionOpened':
      return projectOpen(event.data);
    case 'PositionClosed':
      return projectClose(event.data, position);
    case 'BalanceWrittenOff':
      return [{ op: 'setBalance', accountId: event.data.accountId, balance: event.data.balance }];
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
    case 'OrderCancelled':
      return [{ op: 'deletePendingOrder', orderId: event.data.orderId }];
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

function projectOpen(data: PositionOpened['data']): ReadModelOp[] {
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
  return [
    // A pending order that fills becomes the position with the same id.
    ...(data.orderType === 'MARKET' ? [] : [{ op: 'deletePendingOrder' as const, orderId: data.orderId }]),
    { op: 'putOpenOrder', order },
    { op: 'addMargin', accountId: data.accountId, delta: data.margin },
    { op: 'setBalance', accountId: data.accountId, balance: data.balance },
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
  ];
}
