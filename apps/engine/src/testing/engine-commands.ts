/** Test support: short builders of engine commands (pure, no I/O). */
import { parseFixed, type EngineCommand, type PlaceOrder } from '../../../../libs/domain/src/index.js';

export const NOW = Date.parse('2026-03-03T10:30:00.000Z');

let ids = 0;
const id = (prefix: string) => `${prefix}-${(ids += 1)}`;

export const register = (email: string, initialBalance = '10000'): EngineCommand => ({
  type: 'RegisterUser',
  commandId: id('register'),
  email,
  passwordHash: 'argon2-hash-never-shown',
  initialBalance,
});

export const tick = (symbol: string, bid: string, ask: string, time = NOW): EngineCommand => ({
  type: 'ApplyTick',
  commandId: id('tick'),
  tick: { symbol, bid: parseFixed(bid), ask: parseFixed(ask), time },
});

export const order = (accountId: number, extra: Partial<PlaceOrder> = {}): PlaceOrder => ({
  type: 'PlaceOrder',
  commandId: id('order'),
  userId: 1,
  accountId,
  symbol: 'BTCUSD',
  side: 'BUY',
  volume: '0.5',
  leverage: 10,
  takeProfit: null,
  stopLoss: null,
  slippage: null,
  clientId: null,
  comment: null,
  magic: null,
  deadline: NOW + 3_000,
  ...extra,
});

export const close = (userId: number, orderId: number, volume: string | null = null): EngineCommand => ({
  type: 'ClosePosition',
  commandId: id('close'),
  userId,
  accountId: null,
  orderId,
  volume,
  clientId: null,
  comment: null,
  deadline: NOW + 3_000,
});

export const deposit = (accountId: number, amount: string, comment = 'test'): EngineCommand => ({
  type: 'ChangeBalance',
  commandId: id('balance'),
  accountId,
  amount,
  comment,
});

export const pending = (userId: number, accountId: number, orderType: 'BUY_LIMIT' | 'SELL_LIMIT' | 'SELL_STOP' | 'BUY_STOP', price: string, extra: Record<string, unknown> = {}): EngineCommand => ({
  type: 'PlacePendingOrder',
  commandId: id('pending'),
  userId,
  accountId,
  symbol: 'BTCUSD',
  orderType,
  volume: '0.1',
  price,
  stopLimitPrice: null,
  leverage: 10,
  takeProfit: null,
  stopLoss: null,
  expiration: { type: 'GTC', time: null },
  clientId: null,
  comment: null,
  magic: null,
  deadline: NOW + 3_000,
  ...extra,
});

export const modifyPosition = (userId: number, orderId: number, takeProfit: string | null, stopLoss: string | null): EngineCommand => ({
  type: 'ModifyPosition',
  commandId: id('modify'),
  userId,
  accountId: null,
  orderId,
  takeProfit,
  stopLoss,
  deadline: NOW + 3_000,
});

export const defineGroup = (name: string, commissionPerLot = '0'): EngineCommand => ({
  type: 'DefineGroup',
  commandId: id('group'),
  name,
  leverage: 100,
  maxLeverage: null,
  marginCallPercent: '100',
  stopOutPercent: '50',
  commissionPerLot,
  symbols: null,
  hedging: true,
});

export const changeGroup = (accountId: number, group: string): EngineCommand => ({ type: 'ChangeAccountGroup', commandId: id('change-group'), accountId, group });

