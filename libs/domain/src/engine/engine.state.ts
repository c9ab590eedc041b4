import type { Instrument } from '../instruments/instrument.js';
import type { Fixed } from '../money/fixed.js';
import type { Side } from '../pricing/pricing.js';
import { TriggerIndex } from '../triggers/trigger-index.js';

export interface Group {
  name: string;
  leverage: number;
  marginCallPercent: number;
  stopOutPercent: number;
}

export const DEFAULT_GROUP: Group = { name: 'demo', leverage: 100, marginCallPercent: 100, stopOutPercent: 50 };

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
  groups: Map<string, Group>;
  triggers: TriggerIndex;
  lastIds: { user: number; account: number; order: number };
  idSpace: IdSpace;
}

export function initialState(idSpace: IdSpace = { shard: 0, shards: 1 }): EngineState {
  return {
    users: new Map(),
    usersByEmail: new Map(),
    accounts: new Map(),
    positions: new Map(),
    groups: new Map([[DEFAULT_GROUP.name, DEFAULT_GROUP]]),
    triggers: new TriggerIndex(),
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

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
