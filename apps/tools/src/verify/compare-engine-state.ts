import { DEFAULT_GROUP, fixedToString, type EngineState, type Fixed } from '../../../../libs/domain/src/index.js';
import { compareKeyed, keyed, type Difference } from './difference.js';
import { dumpedAccounts, dumpedGroups, dumpedOpenOrders, dumpedPendingOrders, dumpedUsers, type ReadModelDump } from './read-model-dump.js';

const text = (value: Fixed | null) => (value === null ? null : fixedToString(value));

/**
 * The read models against the engine's state folded from the log: the same users, the same
 * accounts with the same balance, margin, group and leverage, the same open positions (volume,
 * prices, margin, TP/SL) and pending orders, and the same groups. Decimal strings are compared
 * as numbers.
 */
export function compareEngineWithReadModels(state: EngineState, dump: ReadModelDump): Difference[] {
  const kind = 'engine' as const;
  const users = compareKeyed(
    kind,
    'users',
    keyed([...state.users.values()].map((u) => ({ userId: u.userId, email: u.email })), (u) => u.userId),
    keyed(dumpedUsers(dump).map((u) => ({ userId: u.userId, email: u.email })), (u) => u.userId),
  );
  const accounts = compareKeyed(
    kind,
    'accounts',
    keyed(
      [...state.accounts.values()].map((a) => ({
        accountId: a.accountId,
        userId: a.userId,
        group: a.group,
        leverage: a.leverage,
        currency: a.currency,
        balance: fixedToString(a.balance),
        margin: fixedToString(a.margin),
      })),
      (a) => a.accountId,
    ),
    keyed(
      dumpedAccounts(dump).map((a) => ({
        accountId: a.accountId,
        userId: a.userId,
        group: a.group,
        leverage: a.leverage,
        currency: a.currency,
        balance: a.balance,
        margin: a.margin,
      })),
      (a) => a.accountId,
    ),
  );
  const positions = compareKeyed(
    kind,
    'open orders',
    keyed(
      [...state.positions.values()].map((p) => ({
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
      (p) => p.orderId,
    ),
    keyed(
      dumpedOpenOrders(dump).map((o) => ({
        orderId: o.orderId,
        accountId: o.accountId,
        symbol: o.symbol,
        side: o.side,
        volume: o.volume,
        openPrice: o.openPrice,
        leverage: o.leverage,
        margin: o.margin,
        takeProfit: o.takeProfit,
        stopLoss: o.stopLoss,
        openTime: o.openTime,
      })),
      (o) => o.orderId,
    ),
  );
  const pending = compareKeyed(
    kind,
    'pending orders',
    keyed(
      [...state.orders.values()].map((o) => ({
        orderId: o.orderId,
        accountId: o.accountId,
        symbol: o.instrument.symbol,
        orderType: o.orderType,
        volume: fixedToString(o.volume),
        price: fixedToString(o.price),
        stopLimitPrice: text(o.stopLimitPrice),
        leverage: o.leverage,
        takeProfit: text(o.takeProfit),
        stopLoss: text(o.stopLoss),
        expiresAt: o.expiresAt === null ? null : new Date(o.expiresAt).toISOString(),
      })),
      (o) => o.orderId,
    ),
    keyed(
      dumpedPendingOrders(dump).map((o) => ({
        orderId: o.orderId,
        accountId: o.accountId,
        symbol: o.symbol,
        orderType: o.orderType,
        volume: o.volume,
        price: o.price,
        stopLimitPrice: o.stopLimitPrice,
        leverage: o.leverage,
        takeProfit: o.takeProfit,
        stopLoss: o.stopLoss,
        expiresAt: o.expiration.at === null ? null : new Date(o.expiration.at).toISOString(),
      })),
      (o) => o.orderId,
    ),
  );
  // The engine starts with the built-in default group; the read models only hold groups defined in the log.
  const definedGroups = [...state.groups.values()].filter((g) => g !== DEFAULT_GROUP);
  const groups = compareKeyed(
    kind,
    'groups',
    keyed(
      definedGroups.map((g) => ({
        name: g.name,
        leverage: g.leverage,
        maxLeverage: g.maxLeverage,
        marginCallPercent: fixedToString(g.marginCallPercent),
        stopOutPercent: fixedToString(g.stopOutPercent),
        commissionPerLot: fixedToString(g.commissionPerLot),
        symbols: g.symbols === null ? null : [...g.symbols].sort(),
        hedging: g.hedging,
      })),
      (g) => g.name,
    ),
    keyed(
      dumpedGroups(dump).map((g) => ({
        name: g.name,
        leverage: g.leverage,
        maxLeverage: g.maxLeverage,
        marginCallPercent: g.marginCallPercent,
        stopOutPercent: g.stopOutPercent,
        commissionPerLot: g.commissionPerLot,
        symbols: g.symbols === null ? null : [...g.symbols].sort(),
        hedging: g.hedging,
      })),
      (g) => g.name,
    ),
  );
  return [...users, ...accounts, ...positions, ...pending, ...groups];
}
