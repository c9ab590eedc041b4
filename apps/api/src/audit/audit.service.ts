import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { accountStream, fixedToString, isDomainEventType, upcast, type AccountState, type EngineState } from '../../../../libs/domain/src/index.js';
import type { EventStore, RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { parseId } from '../accounts/accounts.service.js';
import { ApiError, notFound } from '../common/api-errors.js';
import { moneyNumber, priceNumber, volumeNumber } from '../common/render.js';
import { EVENTS } from '../runtime.tokens.js';
import { AccountFold, type AuditPoint } from './account-history.js';
import type { AuditEventRow } from './audit-csv.js';
import type { Auditor } from './audit-access.guard.js';

/** How many events one read of the log asks for while exporting or folding. */
const READ_PAGE = 1_000;

/** Field names that could carry a credential; none is in an account stream, and none ever leaves here. */
const SECRET_FIELDS = new Set(['password', 'passwordHash', 'token', 'secret']);

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !SECRET_FIELDS.has(key))
      .map(([key, inner]) => [key, redact(inner)]),
  );
}

/** A logged event as the audit endpoints show it: data at the current schema, and only the metadata meant for auditors. */
export function auditRow(recorded: RecordedEvent): AuditEventRow {
  const event = isDomainEventType(recorded.type) ? upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion) : undefined;
  const { timestamp, correlationId, causationId } = recorded.metadata;
  return {
    revision: recorded.revision,
    position: recorded.position,
    type: recorded.type,
    data: redact(event?.data ?? recorded.data) as Record<string, unknown>,
    metadata: { timestamp, correlationId, causationId },
  };
}

export interface AccountStateView {
  accountId: string;
  at: { revision: number; position: number; timestamp: string };
  name: string;
  group: string;
  currency: string;
  leverage: number;
  balance: number;
  margin: number;
  marginCall: boolean;
  positions: ReturnType<typeof positionRow>[];
  pendingOrders: ReturnType<typeof pendingOrderRow>[];
}

function positionRow(state: EngineState, orderId: number) {
  const p = state.positions.get(orderId)!;
  const symbol = p.instrument.symbol;
  return {
    orderId: String(p.orderId),
    accountId: String(p.accountId),
    symbol,
    type: p.side,
    quantity: volumeNumber(fixedToString(p.volume)),
    leverage: p.leverage,
    openPrice: priceNumber(symbol, p.openPrice),
    margin: moneyNumber(p.margin),
    takeProfit: priceNumber(symbol, p.takeProfit),
    stopLoss: priceNumber(symbol, p.stopLoss),
    openTime: p.openTime,
    status: 'OPEN' as const,
  };
}

function pendingOrderRow(state: EngineState, orderId: number) {
  const o = state.orders.get(orderId)!;
  const symbol = o.instrument.symbol;
  return {
    orderId: String(o.orderId),
    accountId: String(o.accountId),
    symbol,
    type: o.orderType,
    side: o.side,
    quantity: volumeNumber(fixedToString(o.volume)),
    price: priceNumber(symbol, o.price),
    stopLimitPrice: priceNumber(symbol, o.stopLimitPrice),
    leverage: o.leverage,
    takeProfit: priceNumber(symbol, o.takeProfit),
    stopLoss: priceNumber(symbol, o.stopLoss),
    expiresAt: o.expiresAt === null ? null : new Date(o.expiresAt).toISOString(),
    clientId: o.clientId,
    comment: o.comment,
    status: 'PENDING' as const,
  };
}

function stateView(accountId: number, account: AccountState, state: EngineState, last: RecordedEvent): AccountStateView {
  return {
    accountId: String(accountId),
    at: { revision: last.revision, position: last.position, timestamp: last.metadata.timestamp },
    name: account.name,
    group: account.group,
    currency: account.currency,
    leverage: account.leverage,
    balance: moneyNumber(account.balance),
    margin: moneyNumber(account.margin),
    marginCall: account.marginCall,
    positions: [...account.positionIds].sort((a, b) => a - b).map((id) => positionRow(state, id)),
    pendingOrders: [...account.orderIds].sort((a, b) => a - b).map((id) => pendingOrderRow(state, id)),
  };
}

/** Reads an account's history straight from the event log (never from the read models). */
@Injectable()
export class AuditService {
  constructor(@Inject(EVENTS) private readonly events: EventStore) {}

  /**
   * The account id when the caller may audit it. Ownership comes from the log itself (the
   * account's `AccountOpened`); another user's account answers 404 exactly like a missing one.
   */
  async authorize(auditor: Auditor, accountIdText: string): Promise<number> {
    const accountId = parseId(accountIdText);
    if (accountId === undefined) throw notFound('Account');
    const [opened] = await this.events.readStream(accountStream(accountId), { maxCount: 1 });
    if (!opened) throw notFound('Account');
    if (auditor.kind === 'owner' && !(opened.type === 'AccountOpened' && opened.data.userId === auditor.userId)) throw notFound('Account');
    return accountId;
  }

  /** One page of the history from revision `from`; `next` is the `from` of the following page. */
  async page(accountId: number, from: number, limit: number): Promise<{ events: AuditEventRow[]; next?: number }> {
    const read = await this.events.readStream(accountStream(accountId), { fromRevision: from, maxCount: limit + 1 });
    const events = read.slice(0, limit).map(auditRow);
    return read.length > limit ? { events, next: events[events.length - 1]!.revision + 1 } : { events };
  }

  /** The history from revision `from`, at most `limit` events (all when unset), for an export. */
  async history(accountId: number, from: number, limit = Number.POSITIVE_INFINITY): Promise<AuditEventRow[]> {
    const rows: AuditEventRow[] = [];
    let next = from;
    while (rows.length < limit) {
      const page = await this.events.readStream(accountStream(accountId), { fromRevision: next, maxCount: Math.min(READ_PAGE, limit - rows.length) });
      rows.push(...page.map(auditRow));
      if (page.length < READ_PAGE) break;
      next = page[page.length - 1]!.revision + 1;
    }
    return rows;
  }

  /** Balance, margin, positions and pending orders after folding the stream up to `point`. */
  async stateAt(accountId: number, point: AuditPoint): Promise<AccountStateView> {
    const fold = new AccountFold();
    let next = 0;
    for (;;) {
      const page = await this.events.readStream(accountStream(accountId), { fromRevision: next, maxCount: READ_PAGE });
      if (!fold.apply(page, point) || page.length < READ_PAGE) break;
      next = page[page.length - 1]!.revision + 1;
    }
    const account = fold.account(accountId);
    if (!account || !fold.last) throw new ApiError(HttpStatus.NOT_FOUND, 'Account not found at that time: it was opened later');
    return stateView(accountId, account, fold.state, fold.last);
  }
}
