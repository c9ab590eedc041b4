import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { accountStream } from '../../../../libs/domain/src/index.js';
import type { EventStore, RecordedEvent } from '../../../../libs/event-store/src/index.js';
import type { ReadModelReader } from '../../../../libs/read-models/src/read-model-store.port.js';
import { AccountsService, type AccountSummary } from '../accounts/accounts.service.js';
import { AdminGuard } from '../admin/admin.guard.js';
import { AuditAccessGuard, CurrentAuditor, type Auditor } from '../audit/audit-access.guard.js';
import { AuditService } from '../audit/audit.service.js';
import { badRequest } from '../common/api-errors.js';
import { EVENTS, READ_MODELS } from '../runtime.tokens.js';
import { AccountDirectory } from './account-directory.js';
import { equityHistory, type EquityPoint } from './equity-history.js';

const READ_PAGE = 1_000;
/** The chart folds at most this many events of one account (the newest are kept when there are more). */
const MAX_HISTORY = 200_000;
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 1_000;

function whole(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) > max) throw badRequest(`${name} must be a whole number from 0 to ${max}`);
  return Number(text);
}

export interface AdminAccountRow extends Partial<AccountSummary> {
  accountId: string;
  userId: string;
  email: string | null;
  name: string;
  group: string;
  currency: string;
  openedAt: string;
}

/** What the audit console needs beyond the public endpoints: the admin's account list and equity history. */
@Controller('api/v1')
export class ConsoleApiController {
  constructor(
    private readonly directory: AccountDirectory,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    @Inject(EVENTS) private readonly events: EventStore,
  ) {}

  /** `GET /api/v1/admin/accounts?limit=&offset=` (x-admin-token): every account, newest first, with its summary and owner. */
  @Get('admin/accounts')
  @UseGuards(AdminGuard)
  async listAccounts(@Query('limit') limitText?: string, @Query('offset') offsetText?: string): Promise<{ accounts: AdminAccountRow[]; total: number }> {
    const limit = whole(limitText, 'limit', DEFAULT_LIMIT, MAX_LIMIT);
    const offset = whole(offsetText, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const all = await this.directory.list();
    const rows = await Promise.all(
      all.slice(offset, offset + limit).map(async (entry): Promise<AdminAccountRow> => {
        const [view, user] = await Promise.all([this.readModels.account(entry.accountId), this.readModels.user(entry.userId)]);
        const summary = view ? await this.accounts.summary(view) : undefined;
        return {
          ...summary,
          accountId: String(entry.accountId),
          userId: String(entry.userId),
          email: user?.email ?? null,
          name: view?.name ?? entry.name,
          group: view?.group ?? entry.group,
          currency: entry.currency,
          openedAt: entry.openedAt,
        };
      }),
    );
    return { accounts: rows, total: all.length };
  }

  /**
   * `GET /api/v1/console/accounts/:accountId/equity` (owner or x-admin-token): balance and equity
   * after each event of the account, and `now` (the live summary at current prices).
   */
  @Get('console/accounts/:accountId/equity')
  @UseGuards(AuditAccessGuard)
  async equity(@CurrentAuditor() auditor: Auditor, @Param('accountId') accountIdText: string): Promise<{ accountId: string; points: EquityPoint[]; truncated: boolean; now: AccountSummary | null }> {
    const accountId = await this.audit.authorize(auditor, accountIdText);
    const events: RecordedEvent[] = [];
    let truncated = false;
    for (let next = 0; ; ) {
      const page = await this.events.readStream(accountStream(accountId), { fromRevision: next, maxCount: READ_PAGE });
      events.push(...page);
      if (events.length > MAX_HISTORY) {
        truncated = true;
        events.splice(0, events.length - MAX_HISTORY);
      }
      if (page.length < READ_PAGE) break;
      next = page[page.length - 1]!.revision + 1;
    }
    const view = await this.readModels.account(accountId);
    return { accountId: String(accountId), points: equityHistory(events), truncated, now: view ? await this.accounts.summary(view) : null };
  }
}
