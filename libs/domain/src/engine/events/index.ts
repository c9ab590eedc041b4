import type { AccountOpened } from './account-opened.event.js';
import type { BalanceChanged } from './balance-changed.event.js';
import type { PositionClosed } from './position-closed.event.js';
import type { PositionOpened } from './position-opened.event.js';
import type { TradeRejected } from './trade-rejected.event.js';
import type { UserRegistered } from './user-registered.event.js';

export type { AccountOpened } from './account-opened.event.js';
export type { BalanceChanged, BalanceChangeKind } from './balance-changed.event.js';
export type { PositionClosed, CloseReason } from './position-closed.event.js';
export type { PositionOpened, QuoteUsed } from './position-opened.event.js';
export type { TradeRejected } from './trade-rejected.event.js';
export type { UserRegistered } from './user-registered.event.js';

export type DomainEvent =
  | UserRegistered
  | AccountOpened
  | BalanceChanged
  | PositionOpened
  | PositionClosed
  | TradeRejected;

export type DomainEventType = DomainEvent['type'];

/** Current schema version of each event's data; bumped with an upcaster when a shape changes. */
export const EVENT_SCHEMA_VERSION: Record<DomainEventType, number> = {
  UserRegistered: 1,
  AccountOpened: 1,
  BalanceChanged: 1,
  PositionOpened: 1,
  PositionClosed: 1,
  TradeRejected: 1,
};

export const DOMAIN_EVENT_TYPES = Object.keys(EVENT_SCHEMA_VERSION) as DomainEventType[];

/** The stream an event belongs to: one per account, one per user. */
export function streamOf(event: DomainEvent): string {
  switch (event.type) {
    case 'UserRegistered':
      return userStream(event.data.userId);
    case 'AccountOpened':
    case 'BalanceChanged':
    case 'PositionOpened':
    case 'PositionClosed':
    case 'TradeRejected':
      return accountStream(event.data.accountId);
    default: {
      const unknown: never = event;
      throw new Error(`Unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

export const userStream = (userId: number): string => `user-${userId}`;
export const accountStream = (accountId: number): string => `account-${accountId}`;
