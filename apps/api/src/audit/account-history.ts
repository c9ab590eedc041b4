import {
  evolve,
  initialState,
  upcast,
  type AccountState,
  type EngineState,
} from '../../../../libs/domain/src/index.js';
import type { RecordedEvent } from '../../../../libs/event-store/src/index.js';

/** The moment `state?at=` asks for: the latest state, the state after a revision, or at a time. */
export type AuditPoint = { kind: 'latest' } | { kind: 'revision'; revision: number } | { kind: 'time'; time: number };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `at` is either a revision of the account's stream (digits only: the state right after that event)
 * or an ISO-8601 time (the state after every event decided at or before it). Undefined when it is
 * neither.
 */
export function parseAuditPoint(at: string | undefined): AuditPoint | undefined {
  if (at === undefined || at === '') return { kind: 'latest' };
  if (/^\d{1,15}$/.test(at)) return { kind: 'revision', revision: Number(at) };
  if (!ISO_TIME.test(at)) return undefined;
  const time = Date.parse(at);
  return Number.isNaN(time) ? undefined : { kind: 'time', time };
}

/** Whether an event (in stream order) still belongs to the state at `point`. */
export function isAtOrBefore(event: RecordedEvent, point: AuditPoint): boolean {
  switch (point.kind) {
    case 'latest':
      return true;
    case 'revision':
      return event.revision <= point.revision;
    case 'time':
      return Date.parse(event.metadata.timestamp) <= point.time;
  }
}

/**
 * Folds one account's stream, in revision order, with the engine's own `evolve` (after the same
 * upcasting the engine applies), into a fresh state. An account stream is self-contained for this:
 * `AccountOpened` needs no user in the state, positions and orders only refer to their account,
 * and a group's conditions are not needed to know balance, margin, positions and orders.
 */
export class AccountFold {
  readonly state: EngineState = initialState();
  private lastEvent: RecordedEvent | undefined;

  /** Applies the events of `page` that are at or before `point`; false once one is past it. */
  apply(page: RecordedEvent[], point: AuditPoint): boolean {
    for (const recorded of page) {
      if (!isAtOrBefore(recorded, point)) return false;
      const event = upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
      if (event) evolve(this.state, event);
      this.lastEvent = recorded;
    }
    return true;
  }

  get last(): RecordedEvent | undefined {
    return this.lastEvent;
  }

  account(accountId: number): AccountState | undefined {
    return this.state.accounts.get(accountId);
  }
}
