import { isDomainEventType, upcast, type DomainEventType, type Quote } from '../../../../libs/domain/src/index.js';
import type { EventMetadata } from '../../../../libs/event-store/src/index.js';
import { priceNumber } from '../common/render.js';

/**
 * One event of the log as the live feeds deliver it (the embedded projector hook, or the Redis
 * events relay in distributed mode), in log order.
 */
export interface LiveEvent {
  position: number;
  stream: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata | Record<string, unknown>;
}

/** Where every log event reaches: the stream hub subscribes here. */
export interface LiveEventSource {
  /** Registers a listener for batches of events in log order; returns the unsubscribe function. */
  onEvents(listener: (events: LiveEvent[]) => void): () => void;
  /**
   * Registers a listener told when the feed may have lost events (e.g. Redis reconnected): live
   * subscribers must then resume from the log. Optional for feeds that cannot lose events.
   */
  onGap?(listener: () => void): () => void;
}

/** WebSocket close codes (and the `close` message of SSE). */
export const CLOSE = {
  GOING_AWAY: { code: 1001, reason: 'server shutting down' },
  TRY_AGAIN_LATER: { code: 1013, reason: 'too many connections: try again later' },
  BAD_REQUEST: { code: 4000, reason: 'bad request' },
  UNAUTHORIZED: { code: 4001, reason: 'unauthorized' },
  FORBIDDEN: { code: 4003, reason: 'forbidden' },
  NOT_FOUND: { code: 4004, reason: 'account not found' },
  SLOW_CONSUMER: { code: 4008, reason: 'slow consumer' },
  RESUME_TOO_OLD: { code: 4009, reason: 'resume point too old' },
  RESYNC: { code: 4010, reason: 'live feed interrupted: resume from your last position' },
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** The topic of each account event on the stream. Streams other than `account-*` are never sent. */
const TOPICS: Partial<Record<DomainEventType, string>> = {
  AccountOpened: 'account.opened',
  AccountGroupChanged: 'account.group_changed',
  BalanceChanged: 'balance.changed',
  BalanceWrittenOff: 'balance.written_off',
  MarginCallTriggered: 'margin.call',
  MarginCallCleared: 'margin.call_cleared',
  OrderPlaced: 'order.placed',
  OrderModified: 'order.modified',
  OrderActivated: 'order.activated',
  OrderCancelled: 'order.cancelled',
  PositionOpened: 'position.opened',
  PositionModified: 'position.modified',
  PositionClosed: 'position.closed',
  TradeRejected: 'order.rejected',
};

/**
 * `order.expired` for a pending order that reached its expiration, `order.filled` for a pending
 * order that filled (it opens the position under the order's id), else the event type's topic.
 */
export function topicOf(type: string, data: Record<string, unknown>): string {
  if (type === 'OrderCancelled' && data.reason === 'EXPIRED') return 'order.expired';
  if (type === 'PositionOpened' && typeof data.orderType === 'string' && data.orderType !== 'MARKET') return 'order.filled';
  return (isDomainEventType(type) && TOPICS[type]) || `event.${type}`;
}

const ACCOUNT_STREAM = /^account-(\d{1,16})$/;

/** The account an event belongs to, or undefined for a stream that is not an account's. */
export function accountOf(stream: string): number | undefined {
  const match = ACCOUNT_STREAM.exec(stream);
  return match ? Number(match[1]) : undefined;
}

export interface EventMessage {
  type: 'event';
  /** Log position: strictly increasing on one connection; resume with `from=<position>`. */
  position: number;
  accountId: string;
  topic: string;
  /** The event type in the log (`PositionClosed`, ...). */
  event: string;
  /** The event's data at its current schema: exact decimals as strings, as in the audit trail. */
  data: Record<string, unknown>;
  metadata: { timestamp: string; correlationId: string; causationId: string };
}

export function eventMessage(event: LiveEvent, accountId: number): EventMessage {
  const metadata = event.metadata as Partial<EventMetadata>;
  const upcasted = upcast(event.type, event.data, typeof metadata.schemaVersion === 'number' ? metadata.schemaVersion : 1);
  const data = (upcasted?.data ?? event.data) as Record<string, unknown>;
  return {
    type: 'event',
    position: event.position,
    accountId: String(accountId),
    topic: topicOf(event.type, data),
    event: event.type,
    data,
    metadata: {
      timestamp: String(metadata.timestamp ?? ''),
      correlationId: String(metadata.correlationId ?? ''),
      causationId: String(metadata.causationId ?? ''),
    },
  };
}

export function priceMessage(quote: Quote) {
  return {
    type: 'price' as const,
    symbol: quote.symbol,
    bid: priceNumber(quote.symbol, quote.bid),
    ask: priceNumber(quote.symbol, quote.ask),
    time: new Date(quote.time).toISOString(),
  };
}
