import type { AccountGroupChanged } from './account-group-changed.event.js';
import type { AccountOpened } from './account-opened.event.js';
import type { BalanceChanged } from './balance-changed.event.js';
import type { BalanceWrittenOff } from './balance-written-off.event.js';
import type { GroupDefined } from './group-defined.event.js';
import type { MarginCallCleared, MarginCallTriggered } from './margin-call.event.js';
import type { OrderActivated } from './order-activated.event.js';
import type { OrderCancelled } from './order-cancelled.event.js';
import type { OrderModified } from './order-modified.event.js';
import type { OrderPlaced } from './order-placed.event.js';
import type { PositionClosed } from './position-closed.event.js';
import type { PositionModified } from './position-modified.event.js';
import type { PositionOpened } from './position-opened.event.js';
import type { TradeRejected } from './trade-rejected.event.js';
import type { UserRegistered } from './user-registered.event.js';

export type { AccountGroupChanged } from './account-group-changed.event.js';
export type { AccountOpened } from './account-opened.event.js';
export type { BalanceChanged, BalanceChangeKind } from './balance-changed.event.js';
export type { BalanceWrittenOff } from './balance-written-off.event.js';
export type { GroupDefined } from './group-defined.event.js';
export type { MarginCallCleared, MarginCallTriggered } from './margin-call.event.js';
export type { OrderActivated } from './order-activated.event.js';
export type { OrderCancelled, CancelReason } from './order-cancelled.event.js';
export type { OrderModified } from './order-modified.event.js';
export type { OrderPlaced, PendingOrderType, Expiration, ExpirationType } from './order-placed.event.js';
export type { PositionClosed, CloseReason } from './position-closed.event.js';
export type { PositionModified } from './position-modified.event.js';
export type { PositionOpened, QuoteUsed } from './position-opened.event.js';
export type { TradeRejected } from './trade-rejected.event.js';
export type { UserRegistered } from './user-registered.event.js';

export type DomainEvent =
  | UserRegistered
  | AccountOpened
  | AccountGroupChanged
  | BalanceChanged
  | BalanceWrittenOff
  | GroupDefined
  | MarginCallTriggered
  | MarginCallCleared
  | OrderPlaced
  | OrderModified
  | OrderActivated
  | OrderCancelled
  | PositionOpened
  | PositionModified
  | PositionClosed
  | TradeRejected;

export type DomainEventType = DomainEvent['type'];

/** Current schema version of each event's data; bumped with an upcaster when a shape changes. */
export const EVENT_SCHEMA_VERSION: Record<DomainEventType, number> = {
  UserRegistered: 1,
  AccountOpened: 1,
  AccountGroupChanged: 1,
  BalanceChanged: 1,
  BalanceWrittenOff: 1,
  GroupDefined: 1,
  MarginCallTriggered: 1,
  MarginCallCleared: 1,
  OrderPlaced: 1,
  OrderModified: 1,
  OrderActivated: 1,
  OrderCancelled: 1,
  PositionOpened: 1,
  PositionModified: 1,
  PositionClosed: 2,
  TradeRejected: 1,
};

export const DOMAIN_EVENT_TYPES = Object.keys(EVENT_SCHEMA_VERSION) as DomainEventType[];

/**
 * The stream an event belongs to: one per account, one per user, and one per engine shard for the
 * shard's configuration (groups), since every shard keeps its own copy of the groups.
 */
export function streamOf(event: DomainEvent, shard = 0): string {
  switch (event.type) {
    case 'UserRegistered':
      return userStream(event.data.userId);
    case 'GroupDefined':
      return `groups-${shard}`;
    case 'AccountOpened':
    case 'AccountGroupChanged':
    case 'BalanceChanged':
    case 'BalanceWrittenOff':
    case 'MarginCallTriggered':
    case 'MarginCallCleared':
    case 'OrderPlaced':
    case 'OrderModified':
    case 'OrderActivated':
    case 'OrderCancelled':
    case 'PositionOpened':
    case 'PositionModified':
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
