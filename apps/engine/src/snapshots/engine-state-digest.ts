import { INSTRUMENTS, type EngineState } from '../../../../libs/domain/src/index.js';
import { engineStateToJson, type EngineStateJson } from './engine-snapshot.js';

const LOW = 0n;
const HIGH = 10n ** 16n;

/** Which ids each trigger index of a symbol holds, found by asking it at both ends of the price range. */
function armedTriggers(state: EngineState, symbol: string) {
  return {
    size: state.triggers.size(symbol),
    // At bid = ask = 0 every BUY stop loss and SELL take profit fires; at the top every BUY TP and SELL SL.
    firedLow: state.triggers.fired(symbol, LOW, LOW),
    firedHigh: state.triggers.fired(symbol, HIGH, HIGH),
    // Likewise every buy limit and sell stop at the bottom, every buy stop and sell limit at the top.
    entriesLow: state.triggers.entries(symbol, LOW, LOW),
    entriesHigh: state.triggers.entries(symbol, HIGH, HIGH),
  };
}

export interface EngineStateDigest extends EngineStateJson {
  triggers: Record<string, ReturnType<typeof armedTriggers>>;
  expiries: number[];
}

const byNumber = (a: number, b: number) => a - b;

/**
 * A comparable picture of an engine state: every collection sorted by id (iteration order is not
 * state), the derived indexes described by what they answer. Two states with equal digests decide
 * every input the same way.
 */
export function digestEngineState(state: EngineState): EngineStateDigest {
  const json = engineStateToJson(state);
  const triggers: EngineStateDigest['triggers'] = {};
  for (const { symbol } of INSTRUMENTS) {
    const armed = armedTriggers(state, symbol);
    if (armed.size > 0) triggers[symbol] = armed;
  }
  return {
    ...json,
    users: json.users.map((u) => ({ ...u, accountIds: [...u.accountIds].sort(byNumber) })).sort((a, b) => a.userId - b.userId),
    usersByEmail: [...json.usersByEmail].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    accounts: json.accounts
      .map((a) => ({ ...a, positionIds: [...a.positionIds].sort(byNumber), orderIds: [...a.orderIds].sort(byNumber) }))
      .sort((a, b) => a.accountId - b.accountId),
    positions: [...json.positions].sort((a, b) => a.orderId - b.orderId),
    orders: [...json.orders].sort((a, b) => a.orderId - b.orderId),
    groups: json.groups.map((g) => ({ ...g, symbols: g.symbols && [...g.symbols].sort() })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    triggers,
    expiries: state.expiries.atMost(Number.MAX_SAFE_INTEGER).sort(byNumber),
  };
}
