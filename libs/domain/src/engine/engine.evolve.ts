import { findInstrument } from '../instruments/instruments.catalog.js';
import type { Instrument } from '../instruments/instrument.js';
import { parseFixed } from '../money/fixed.js';
import type { DomainEvent } from './events/index.js';
import { normalizeEmail, type AccountState, type EngineState, type PendingOrderState } from './engine.state.js';
import { entryTrigger, sideOf } from './pending-orders.js';

const parseLevel = (text: string | null) => (text === null ? null : parseFixed(text));

function instrumentOf(symbol: string): Instrument {
  const instrument = findInstrument(symbol);
  if (!instrument) throw new Error(`The log refers to an unknown symbol ${symbol}`);
  return instrument;
}

function accountOf(state: EngineState, accountId: number): AccountState {
  const account = state.accounts.get(accountId);
  if (!account) throw new Error(`The log refers to an unknown account ${accountId}`);
  return account;
}

function removeOrder(state: EngineState, order: PendingOrderState): void {
  state.orders.delete(order.orderId);
  accountOf(state, order.accountId).orderIds.delete(order.orderId);
  state.triggers.disarmEntry(order.instrument.symbol, order.orderId);
  state.expiries.delete(order.orderId);
}

function armOrder(state: EngineState, order: PendingOrderState): void {
  state.triggers.armEntry(order.instrument.symbol, order.orderId, entryTrigger(order.orderType), order.price);
  if (order.expiresAt === null) state.expiries.delete(order.orderId);
  else state.expiries.set(order.orderId, order.expiresAt);
}

const time = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** Applies one event to the engine state, in place; returns the same state for chaining. */
export function evolve(state: EngineState, event: DomainEvent): EngineState {
  apply(state, event);
  noteMarginChange(state, event);
  return state;
}

/**
 * Tells the caches about events: the margin watch about those that move an account's equity,
 * margin, thresholds or margin-call flag (its bands were computed without them), the floating memo
 * about those that change an account's positions.
 */
function noteMarginChange(state: EngineState, event: DomainEvent): void {
  switch (event.type) {
    case 'AccountGroupChanged':
    case 'BalanceChanged':
    case 'BalanceWrittenOff':
    case 'MarginCallTriggered':
    case 'MarginCallCleared':
      state.marginWatch.accountChanged(event.data.accountId);
      return;
    case 'PositionOpened': {
      const position = state.positions.get(event.data.orderId);
      if (position) state.floatingMemo.opened(event.data.accountId, position);
      state.marginWatch.accountChanged(event.data.accountId);
      return;
    }
    case 'PositionClosed': {
      const { accountId, symbol, orderId } = event.data;
      state.floatingMemo.closed(accountId, symbol, orderId, !state.positions.has(orderId));
      state.marginWatch.accountChanged(accountId);
      return;
    }
    case 'GroupDefined':
      state.marginWatch.everythingChanged();
      return;
    case 'UserRegistered':
    case 'AccountOpened':
    case 'OrderPlaced':
    case 'OrderModified':
    case 'OrderActivated':
    case 'OrderCancelled':
    case 'PositionModified': // take profit and stop loss only: equity and margin stay
    case 'TradeRejected':
      return;
    default: {
      const unknown: never = event;
      throw new Error(`Unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

function apply(state: EngineState, event: DomainEvent): EngineState {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, email } = event.data;
      state.users.set(userId, { userId, email, accountIds: [] });
      state.usersByEmail.set(normalizeEmail(email), userId);
      state.lastIds.user = Math.max(state.lastIds.user, userId);
      return state;
    }
    case 'AccountOpened': {
      const d = event.data;
      state.accounts.set(d.accountId, {
        accountId: d.accountId,
        userId: d.userId,
        name: d.name,
        group: d.group,
        currency: d.currency,
        leverage: d.leverage,
        balance: 0n,
        margin: 0n,
        positionIds: new Set(),
        orderIds: new Set(),
        marginCall: false,
      });
      state.users.get(d.userId)?.accountIds.push(d.accountId);
      state.lastIds.account = Math.max(state.lastIds.account, d.accountId);
      return state;
    }
    case 'AccountGroupChanged': {
      const account = accountOf(state, event.data.accountId);
      account.group = event.data.group;
      account.leverage = event.data.leverage;
      return state;
    }
    case 'BalanceChanged':
    case 'BalanceWrittenOff':
      accountOf(state, event.data.accountId).balance = parseFixed(event.data.balance);
      return state;
    case 'GroupDefined': {
      const d = event.data;
      state.groups.set(d.name, {
        name: d.name,
        leverage: d.leverage,
        maxLeverage: d.maxLeverage,
        marginCallPercent: parseFixed(d.marginCallPercent),
        stopOutPercent: parseFixed(d.stopOutPercent),
        commissionPerLot: parseFixed(d.commissionPerLot),
        symbols: d.symbols ? new Set(d.symbols) : null,
        hedging: d.hedging,
      });
      return state;
    }
    case 'MarginCallTriggered':
      accountOf(state, event.data.accountId).marginCall = true;
      return state;
    case 'MarginCallCleared':
      accountOf(state, event.data.accountId).marginCall = false;
      return state;
    case 'OrderPlaced': {
      const d = event.data;
      const order: PendingOrderState = {
        orderId: d.orderId,
        accountId: d.accountId,
        instrument: instrumentOf(d.symbol),
        orderType: d.orderType,
        side: sideOf(d.orderType),
        volume: parseFixed(d.volume),
        price: parseFixed(d.price),
        stopLimitPrice: parseLevel(d.stopLimitPrice),
        leverage: d.leverage,
        takeProfit: parseLevel(d.takeProfit),
        stopLoss: parseLevel(d.stopLoss),
        expiresAt: time(d.expiration.at),
        expirationType: d.expiration.type,
        clientId: d.clientId,
        comment: d.comment,
        magic: d.magic,
      };
      state.orders.set(d.orderId, order);
      accountOf(state, d.accountId).orderIds.add(d.orderId);
      armOrder(state, order);
      state.lastIds.order = Math.max(state.lastIds.order, d.orderId);
      return state;
    }
    case 'OrderModified': {
      const d = event.data;
      const order = state.orders.get(d.orderId);
      if (!order) throw new Error(`OrderModified ${d.orderId} refers to an unknown order`);
      order.price = parseFixed(d.price);
      order.stopLimitPrice = parseLevel(d.stopLimitPrice);
      order.takeProfit = parseLevel(d.takeProfit);
      order.stopLoss = parseLevel(d.stopLoss);
      order.expiresAt = time(d.expiration.at);
      order.expirationType = d.expiration.type;
      armOrder(state, order);
      return state;
    }
    case 'OrderActivated': {
      const order = state.orders.get(event.data.orderId);
      if (!order) throw new Error(`OrderActivated ${event.data.orderId} refers to an unknown order`);
      order.orderType = event.data.orderType;
      order.price = parseFixed(event.data.price);
      order.stopLimitPrice = null;
      armOrder(state, order);
      return state;
    }
    case 'OrderCancelled': {
      const order = state.orders.get(event.data.orderId);
      if (!order) throw new Error(`OrderCancelled ${event.data.orderId} refers to an unknown order`);
      removeOrder(state, order);
      return state;
    }
    case 'PositionOpened': {
      const d = event.data;
      const account = accountOf(state, d.accountId);
      const pending = state.orders.get(d.orderId);
      if (pending) removeOrder(state, pending);
      const position = {
        orderId: d.orderId,
        accountId: d.accountId,
        instrument: instrumentOf(d.symbol),
        side: d.side,
        volume: parseFixed(d.volume),
        openPrice: parseFixed(d.openPrice),
        leverage: d.leverage,
        margin: parseFixed(d.margin),
        takeProfit: parseLevel(d.takeProfit),
        stopLoss: parseLevel(d.stopLoss),
        openTime: d.openTime,
      };
      state.positions.set(d.orderId, position);
      account.positionIds.add(d.orderId);
      account.margin += position.margin;
      account.balance = parseFixed(d.balance);
      state.triggers.arm(d.symbol, d.orderId, d.side, position.takeProfit, position.stopLoss);
      state.lastIds.order = Math.max(state.lastIds.order, d.orderId);
      return state;
    }
    case 'PositionModified': {
      const position = state.positions.get(event.data.orderId);
      if (!position) throw new Error(`PositionModified ${event.data.orderId} refers to an unknown position`);
      position.takeProfit = parseLevel(event.data.takeProfit);
      position.stopLoss = parseLevel(event.data.stopLoss);
      state.triggers.arm(position.instrument.symbol, position.orderId, position.side, position.takeProfit, position.stopLoss);
      return state;
    }
    case 'PositionClosed': {
      const d = event.data;
      const position = state.positions.get(d.orderId);
      const account = accountOf(state, d.accountId);
      if (!position) throw new Error(`PositionClosed ${d.orderId} refers to an unknown position`);
      const released = parseFixed(d.marginReleased);
      account.margin -= released;
      account.balance = parseFixed(d.balance);
      position.margin -= released;
      position.volume = parseFixed(d.remainingVolume);
      if (position.volume === 0n) {
        state.positions.delete(d.orderId);
        account.positionIds.delete(d.orderId);
        state.triggers.disarm(d.symbol, d.orderId);
      }
      return state;
    }
    case 'TradeRejected':
      return state;
    default: {
      const unknown: never = event;
      throw new Error(`Unknown event ${JSON.stringify(unknown)}`);
    }
  }
}
