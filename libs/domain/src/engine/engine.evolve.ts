import { findInstrument } from '../instruments/instruments.catalog.js';
import { parseFixed } from '../money/fixed.js';
import type { DomainEvent } from './events/index.js';
import { normalizeEmail, type EngineState } from './engine.state.js';

const parseLevel = (text: string | null) => (text === null ? null : parseFixed(text));

/** Applies one event to the engine state, in place; returns the same state for chaining. */
export function evolve(state: EngineState, event: DomainEvent): EngineState {
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
      });
      state.users.get(d.userId)?.accountIds.push(d.accountId);
      state.lastIds.account = Math.max(state.lastIds.account, d.accountId);
      return state;
    }
    case 'BalanceChanged': {
      const account = state.accounts.get(event.data.accountId);
      if (account) account.balance = parseFixed(event.data.balance);
      return state;
    }
    case 'PositionOpened': {
      const d = event.data;
      const instrument = findInstrument(d.symbol);
      const account = state.accounts.get(d.accountId);
      if (!instrument || !account) throw new Error(`PositionOpened ${d.orderId} refers to an unknown symbol or account`);
      const position = {
        orderId: d.orderId,
        accountId: d.accountId,
        instrument,
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
      state.triggers.arm(d.symbol, d.orderId, d.side, position.takeProfit, position.stopLoss);
      state.lastIds.order = Math.max(state.lastIds.order, d.orderId);
      return state;
    }
    case 'PositionClosed': {
      const d = event.data;
      const position = state.positions.get(d.orderId);
      const account = state.accounts.get(d.accountId);
      if (!position || !account) throw new Error(`PositionClosed ${d.orderId} refers to an unknown position or account`);
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
