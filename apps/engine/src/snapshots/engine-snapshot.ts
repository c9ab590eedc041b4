import {
  findInstrument,
  fixedToString,
  initialState,
  parseFixed,
  type EngineState,
  type Fixed,
  type IdSpace,
  type Instrument,
  type ExpirationType,
  type PendingOrderType,
  type Side,
} from '../../../../libs/domain/src/index.js';
// Not part of the domain's public surface, but the very function evolve arms entries with.
import { entryTrigger } from '../../../../libs/domain/src/engine/pending-orders.js';
import type { CommandMemory, RememberedOutcome } from '../command-memory.js';

/**
 * Version of the snapshot's shape. Bump it whenever `EngineState` or this encoding changes: a
 * snapshot of a version this release does not read is ignored (the engine folds the whole log
 * instead), never misread.
 *
 * 2: the remembered commands as three columns (`commands`), only the dedup window.
 * 1: the remembered commands as `[commandId, {outcome, position}]` pairs (`outcomes`); same state
 *    encoding, still read.
 */
export const ENGINE_SNAPSHOT_VERSION = 2;
const READABLE_VERSIONS = new Set([1, ENGINE_SNAPSHOT_VERSION]);

interface UserJson {
  userId: number;
  email: string;
  accountIds: number[];
}

interface AccountJson {
  accountId: number;
  userId: number;
  name: string;
  group: string;
  currency: string;
  leverage: number;
  balance: string;
  margin: string;
  positionIds: number[];
  orderIds: number[];
  marginCall: boolean;
}

interface PositionJson {
  orderId: number;
  accountId: number;
  symbol: string;
  side: Side;
  volume: string;
  openPrice: string;
  leverage: number;
  margin: string;
  takeProfit: string | null;
  stopLoss: string | null;
  openTime: string;
}

interface PendingOrderJson {
  orderId: number;
  accountId: number;
  symbol: string;
  orderType: PendingOrderType;
  side: Side;
  volume: string;
  price: string;
  stopLimitPrice: string | null;
  leverage: number;
  takeProfit: string | null;
  stopLoss: string | null;
  expiresAt: number | null;
  /** Since version 2; a version-1 snapshot did not keep it (see engineStateFromJson). */
  expirationType?: ExpirationType;
  clientId: string | null;
  comment: string | null;
  magic: number | null;
}

interface GroupJson {
  name: string;
  leverage: number;
  maxLeverage: number;
  marginCallPercent: string;
  stopOutPercent: string;
  commissionPerLot: string;
  symbols: string[] | null;
  hedging: boolean;
}

/**
 * `EngineState` as plain JSON: money and prices as exact decimal strings, maps as arrays in their
 * iteration order (so a restored state iterates like the folded one). The trigger indexes and the
 * expiry heap are not stored: they are derived from positions and orders and re-armed on restore.
 */
export interface EngineStateJson {
  users: UserJson[];
  usersByEmail: [string, number][];
  accounts: AccountJson[];
  positions: PositionJson[];
  orders: PendingOrderJson[];
  groups: GroupJson[];
  lastIds: EngineState['lastIds'];
  idSpace: IdSpace;
}

/**
 * The dedup window's commands, oldest first, as columns: no object nor key names per entry, and the
 * outcomes as JSON text, which a restart keeps as it is until a redelivery asks for one.
 */
export interface RememberedCommandsJson {
  ids: string[];
  positions: number[];
  outcomes: string[];
}

export interface EngineSnapshot {
  version: number;
  takenAt: string;
  /** Log position of the last event folded into `state`. */
  position: number;
  /** Id of that event, to recognise a snapshot taken from another log (0 events: null). */
  lastEventId: string | null;
  state: EngineStateJson;
  /** Last revision of every stream the engine wrote or read, for its expected-revision checks. */
  revisions: [string, number][];
  /** Version 2: the remembered commands (the dedup window). */
  commands?: RememberedCommandsJson;
  /** Version 1: remembered command outcomes, oldest first. */
  outcomes?: [string, RememberedOutcome][];
}

export function rememberedCommandsToJson(memory: CommandMemory): RememberedCommandsJson {
  const json: RememberedCommandsJson = { ids: [], positions: [], outcomes: [] };
  for (const [commandId, outcome, position] of memory.oldestFirst()) {
    json.ids.push(commandId);
    json.positions.push(position);
    json.outcomes.push(typeof outcome === 'string' ? outcome : JSON.stringify(outcome));
  }
  return json;
}

/** Fills the memory with the snapshot's remembered commands, oldest first (the window keeps the latest). */
export function restoreRememberedCommands(snapshot: EngineSnapshot, memory: CommandMemory): void {
  if (snapshot.commands) {
    const { ids, positions, outcomes } = snapshot.commands;
    for (let i = 0; i < ids.length; i++) memory.remember(ids[i]!, outcomes[i]!, positions[i]!);
  } else {
    for (const [commandId, { outcome, position }] of snapshot.outcomes ?? []) memory.remember(commandId, outcome, position);
  }
}

const text = (value: Fixed | null): string | null => (value === null ? null : fixedToString(value));
const fixed = (value: string | null): Fixed | null => (value === null ? null : parseFixed(value));

function instrument(symbol: string): Instrument {
  const found = findInstrument(symbol);
  if (!found) throw new Error(`The snapshot refers to an unknown symbol ${symbol}`);
  return found;
}

export function engineStateToJson(state: EngineState): EngineStateJson {
  return {
    users: [...state.users.values()].map((u) => ({ userId: u.userId, email: u.email, accountIds: [...u.accountIds] })),
    usersByEmail: [...state.usersByEmail],
    accounts: [...state.accounts.values()].map((a) => ({
      accountId: a.accountId,
      userId: a.userId,
      name: a.name,
      group: a.group,
      currency: a.currency,
      leverage: a.leverage,
      balance: fixedToString(a.balance),
      margin: fixedToString(a.margin),
      positionIds: [...a.positionIds],
      orderIds: [...a.orderIds],
      marginCall: a.marginCall,
    })),
    positions: [...state.positions.values()].map((p) => ({
      orderId: p.orderId,
      accountId: p.accountId,
      symbol: p.instrument.symbol,
      side: p.side,
      volume: fixedToString(p.volume),
      openPrice: fixedToString(p.openPrice),
      leverage: p.leverage,
      margin: fixedToString(p.margin),
      takeProfit: text(p.takeProfit),
      stopLoss: text(p.stopLoss),
      openTime: p.openTime,
    })),
    orders: [...state.orders.values()].map((o) => ({
      orderId: o.orderId,
      accountId: o.accountId,
      symbol: o.instrument.symbol,
      orderType: o.orderType,
      side: o.side,
      volume: fixedToString(o.volume),
      price: fixedToString(o.price),
      stopLimitPrice: text(o.stopLimitPrice),
      leverage: o.leverage,
      takeProfit: text(o.takeProfit),
      stopLoss: text(o.stopLoss),
      expiresAt: o.expiresAt,
      expirationType: o.expirationType,
      clientId: o.clientId,
      comment: o.comment,
      magic: o.magic,
    })),
    groups: [...state.groups.values()].map((g) => ({
      name: g.name,
      leverage: g.leverage,
      maxLeverage: g.maxLeverage,
      marginCallPercent: fixedToString(g.marginCallPercent),
      stopOutPercent: fixedToString(g.stopOutPercent),
      commissionPerLot: fixedToString(g.commissionPerLot),
      symbols: g.symbols === null ? null : [...g.symbols],
      hedging: g.hedging,
    })),
    lastIds: { ...state.lastIds },
    idSpace: { ...state.idSpace },
  };
}

/** The engine state a snapshot describes, with its trigger indexes and expiries armed again. */
export function engineStateFromJson(json: EngineStateJson): EngineState {
  const state = initialState({ ...json.idSpace });
  state.groups.clear();
  for (const g of json.groups) {
    state.groups.set(g.name, {
      name: g.name,
      leverage: g.leverage,
      maxLeverage: g.maxLeverage,
      marginCallPercent: parseFixed(g.marginCallPercent),
      stopOutPercent: parseFixed(g.stopOutPercent),
      commissionPerLot: parseFixed(g.commissionPerLot),
      symbols: g.symbols === null ? null : new Set(g.symbols),
      hedging: g.hedging,
    });
  }
  for (const u of json.users) state.users.set(u.userId, { userId: u.userId, email: u.email, accountIds: [...u.accountIds] });
  for (const [email, userId] of json.usersByEmail) state.usersByEmail.set(email, userId);
  for (const a of json.accounts) {
    state.accounts.set(a.accountId, {
      accountId: a.accountId,
      userId: a.userId,
      name: a.name,
      group: a.group,
      currency: a.currency,
      leverage: a.leverage,
      balance: parseFixed(a.balance),
      margin: parseFixed(a.margin),
      positionIds: new Set(a.positionIds),
      orderIds: new Set(a.orderIds),
      marginCall: a.marginCall,
    });
  }
  for (const p of json.positions) {
    const position = {
      orderId: p.orderId,
      accountId: p.accountId,
      instrument: instrument(p.symbol),
      side: p.side,
      volume: parseFixed(p.volume),
      openPrice: parseFixed(p.openPrice),
      leverage: p.leverage,
      margin: parseFixed(p.margin),
      takeProfit: fixed(p.takeProfit),
      stopLoss: fixed(p.stopLoss),
      openTime: p.openTime,
    };
    state.positions.set(p.orderId, position);
    // The same arming evolve does for PositionOpened / PositionModified.
    state.triggers.arm(p.symbol, p.orderId, p.side, position.takeProfit, position.stopLoss);
  }
  for (const o of json.orders) {
    const order = {
      orderId: o.orderId,
      accountId: o.accountId,
      instrument: instrument(o.symbol),
      orderType: o.orderType,
      side: o.side,
      volume: parseFixed(o.volume),
      price: parseFixed(o.price),
      stopLimitPrice: fixed(o.stopLimitPrice),
      leverage: o.leverage,
      takeProfit: fixed(o.takeProfit),
      stopLoss: fixed(o.stopLoss),
      expiresAt: o.expiresAt,
      // A version-1 snapshot did not keep the type: its orders read as that release labelled them on
      // a modify (GTC without an expiry, SPECIFIED with one) until a modify names a new lifetime.
      expirationType: o.expirationType ?? (o.expiresAt === null ? 'GTC' : 'SPECIFIED'),
      clientId: o.clientId,
      comment: o.comment,
      magic: o.magic,
    };
    state.orders.set(o.orderId, order);
    // The same arming evolve does for OrderPlaced / OrderModified / OrderActivated.
    state.triggers.armEntry(o.symbol, o.orderId, entryTrigger(o.orderType), order.price);
    if (order.expiresAt !== null) state.expiries.set(o.orderId, order.expiresAt);
  }
  state.lastIds = { ...json.lastIds };
  return state;
}

/** Why a stored snapshot cannot be used, or undefined when it can. */
export function snapshotProblem(snapshot: unknown, idSpace: IdSpace): string | undefined {
  if (typeof snapshot !== 'object' || snapshot === null) return 'not a snapshot';
  const s = snapshot as Partial<EngineSnapshot>;
  if (!READABLE_VERSIONS.has(s.version as number)) return `version ${String(s.version)}, this release reads versions ${[...READABLE_VERSIONS].join(' and ')}`;
  if (typeof s.position !== 'number' || !s.state || !Array.isArray(s.revisions)) return 'incomplete snapshot';
  const remembered = s.version === 1 ? Array.isArray(s.outcomes) : s.commands !== undefined && rememberedColumnsAlign(s.commands);
  if (!remembered) return 'incomplete snapshot';
  const own = s.state.idSpace;
  if (!own || own.shard !== idSpace.shard || own.shards !== idSpace.shards) {
    return `taken by engine shard ${own?.shard}/${own?.shards}, this engine is shard ${idSpace.shard}/${idSpace.shards}`;
  }
  return undefined;
}

function rememberedColumnsAlign(commands: RememberedCommandsJson): boolean {
  const { ids, positions, outcomes } = commands;
  return Array.isArray(ids) && Array.isArray(positions) && Array.isArray(outcomes) && ids.length === positions.length && ids.length === outcomes.length;
}
