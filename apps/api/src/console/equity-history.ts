import {
  findInstrument,
  fixedToNumber,
  floatingProfit,
  isDomainEventType,
  parseFixed,
  PriceBoard,
  upcast,
  type Fixed,
  type OpenExposure,
  type Side,
} from '../../../../libs/domain/src/index.js';
import type { RecordedEvent } from '../../../../libs/event-store/src/index.js';

export interface EquityPoint {
  /** ISO-8601 time of the event (the engine's clock). */
  time: string;
  revision: number;
  position: number;
  /** The event that moved the account here. */
  type: string;
  balance: number;
  /** Balance plus the floating profit of the positions open after this event. */
  equity: number;
  /** Open positions after this event. */
  openPositions: number;
}

interface RecordedQuote {
  bid: string;
  ask: string;
  time: string;
}

const money = (value: Fixed) => fixedToNumber(value, 2);

/**
 * An account's balance and equity after each of its events, folded from its stream alone.
 * Balance is exact (every event that moves it records the balance after). Equity marks each open
 * position at the last price the log recorded for its symbol (the quote that priced an open, a
 * close, an activation or a cancellation); a margin call records the equity the engine computed
 * and that value is used. Floating profit in another currency converts at the last recorded
 * price of the linking pair; a position that cannot be priced counts at zero.
 */
export function equityHistory(events: RecordedEvent[]): EquityPoint[] {
  const board = new PriceBoard();
  const positions = new Map<number, OpenExposure>();
  const orderSymbols = new Map<number, string>();
  let balance: Fixed = 0n;
  const points: EquityPoint[] = [];

  const seeQuote = (symbol: string | undefined, quote: RecordedQuote | null | undefined) => {
    if (!symbol || !quote || typeof quote.bid !== 'string' || typeof quote.ask !== 'string') return;
    const time = Date.parse(quote.time);
    const known = board.quote(symbol);
    if (known && known.time > time) return;
    board.update({ symbol, bid: parseFixed(quote.bid), ask: parseFixed(quote.ask), time: Number.isFinite(time) ? time : 0 });
  };

  for (const recorded of events) {
    if (!isDomainEventType(recorded.type)) continue;
    const event = upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
    if (!event) continue;
    let equityOverride: Fixed | undefined;
    switch (event.type) {
      case 'BalanceChanged':
      case 'BalanceWrittenOff':
        balance = parseFixed(event.data.balance);
        break;
      case 'OrderPlaced':
        orderSymbols.set(event.data.orderId, event.data.symbol);
        break;
      case 'OrderActivated':
        seeQuote(orderSymbols.get(event.data.orderId), event.data.quote);
        break;
      case 'OrderCancelled':
        seeQuote(orderSymbols.get(event.data.orderId), event.data.quote);
        break;
      case 'PositionOpened': {
        balance = parseFixed(event.data.balance);
        seeQuote(event.data.symbol, event.data.quote);
        const instrument = findInstrument(event.data.symbol);
        if (instrument) {
          positions.set(event.data.orderId, {
            instrument,
            side: event.data.side as Side,
            volume: parseFixed(event.data.volume),
            openPrice: parseFixed(event.data.openPrice),
          });
        }
        break;
      }
      case 'PositionClosed': {
        balance = parseFixed(event.data.balance);
        seeQuote(event.data.symbol, event.data.quote);
        const open = positions.get(event.data.orderId);
        const remaining = parseFixed(event.data.remainingVolume);
        if (open && remaining > 0n) positions.set(event.data.orderId, { ...open, volume: remaining });
        else positions.delete(event.data.orderId);
        break;
      }
      case 'MarginCallTriggered':
        equityOverride = parseFixed(event.data.equity);
        break;
      default:
        break;
    }
    let floating: Fixed = 0n;
    for (const position of positions.values()) floating += floatingProfit(position, board) ?? 0n;
    points.push({
      time: recorded.metadata.timestamp,
      revision: recorded.revision,
      position: recorded.position,
      type: recorded.type,
      balance: money(balance),
      equity: money(equityOverride ?? balance + floating),
      openPositions: positions.size,
    });
  }
  return points;
}
