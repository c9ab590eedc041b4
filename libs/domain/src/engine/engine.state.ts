import type { Instrument } from '../instruments/instrument.js';
import { parseFixed, type Fixed } from '../money/fixed.js';
import type { Side } from '../pricing/pricing.js';
import { IndexedHeap } from '../triggers/indexed-heap.js';
import { MarginWatch } from '../triggers/margin-watch.js';
import { FloatingMemo } from '../pricing/floating-memo.js';
import { TriggerIndex } from '../triggers/trigger-index.js';
import type { ExpirationType, PendingOrderType } from './events/index.js';

export interface Group {
  name: string;
  /** Leverage of accounts opened in the group. */
  leverage: number;
  /** Largest per-order leverage allowed. */
  maxLeverage: number;
  marginCallPercent: Fixed;
  stopOutPercent: Fixed;
  commissionPerLot: Fixed;
  /** Tradable symbols; null for every instrument. */
  symbols: ReadonlySet<string> | null;
  hedging: boolean;
}

/** Group `demo` exists from the start: 1:100, margin call 100 %, stop-out 50 %, no commission. */
export const DEFAULT_GROUP: Group = {
  name: 'demo',
  leverage: 100,
  maxLeverage: 1000,
  marginCallPercent: parseFixed('100'),
  stopOutPercent: parseFixed('50'),
  commissionPerLot: 0n,
  symbols: null,
  hedging: true,
};

export interface UserState {
  userId: number;
  email: string;
  accountIds: number[];
}

export interface AccountState {
  accountId: number;
  userId: number;
  name: string;
  group: string;
  currency: string;
  leverage: number;
  balance: Fixed;
  /** Sum of the margin held by open positions. */
  margin: Fixed;
  positionIds: Set<number>;
  orderIds: Set<number>;
  /** A margin call was recorded and the level has not recovered since. */
  marginCall: boolean;
}

export interface PositionState {
  orderId: number;
  accountId: number;
  instrument: Instrument;
  side: Side;
  volume: Fixed;
  openPrice: Fixed;
  leverage: number;
  margin: Fixed;
  takeProfit: Fixed | null;
  stopLoss: Fixed | null;
  openTime: string;
}

export interface PendingOrderState {
  orderId: number;
  accountId: number;
  instrument: Instrument;
  orderType: PendingOrderType;
  side: Side;
  volume: Fixed;
  price: Fixed;
  stopLimitPrice: Fixed | null;
  leverage: number;
  takeProfit: Fixed | null;
  stopLoss: Fixed | null;
  expiresAt: number | null;
  /** How the lifetime was asked for (a DAY order keeps being one when only its price is modified). */
  expirationType: ExpirationType;
  clientId: string | null;
  comment: string | null;
  magic: number | null;
}

/** How ids are handed out: an engine shard owns every id ≡ shard (mod shards). */
export interface IdSpace {
  shard: number;
  shards: number;
}

export const ID_BASE = { user: 0, account: 100_000, order: 1_000_000 } as const;

/**
 * Everything the engine decides from. `evolve` updates it in place: copying maps of 100k positions
 * per event would make the engine O(n) per decision. Only the engine's single writer owns one.
 */
export interface EngineState {
  users: Map<number, UserState>;
  usersByEmail: Map<string, number>;
  accounts: Map<number, AccountState>;
  positions: Map<number, PositionState>;
  orders: Map<number, PendingOrderState>;
  groups: Map<string, Group>;
  /** TP/SL levels of positions and entry prices of pending orders, per symbol. */
  triggers: TriggerIndex;
  /** Pending orders by expiry time (epoch ms). */
  expiries: IndexedHeap;
  /** Which accounts a tick must check for margin call and stop-out (a cache; see MarginWatch). */
  marginWatch: MarginWatch;
  /** Floating profit per account and symbol at the prices it was summed at (a cache; see FloatingMemo). */
  floatingMemo: FloatingMemo;
  lastIds: { user: number; account: number; order: number };
  idSpace: IdSpace;
}

export function initialState(idSpace: IdSpace = { shard: 0, shards: 1 }): EngineState {
  return {
    users: new Map(),
    usersByEmail: new Map(),
    accounts: new Map(),
    positions: new Map(),
    orders: new Map(),
    groups: new Map([[DEFAULT_GROUP.name, DEFAULT_GROUP]]),
    triggers: new TriggerIndex(),
    expiries: new IndexedHeap(),
    marginWatch: new MarginWatch(),
    floatingMemo: new FloatingMemo(),
    lastIds: { user: ID_BASE.user, account: ID_BASE.account, order: ID_BASE.order },
    idSpace,
  };
}

/** The next id of a kind that this shard owns. */
export function nextId(state: EngineState, kind: keyof EngineState['lastIds']): number {
  const { shard, shards } = state.idSpace;
  let id = state.lastIds[kind] + 1;
  const offset = (((id - shard) % shards) + shards) % shards;
  if (offset !== 0) id += shards - offset;
  return id;
}

export function groupOf(state: EngineState, account: AccountState): Group {
  return state.groups.get(account.group) ?? DEFAULT_GROUP;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
