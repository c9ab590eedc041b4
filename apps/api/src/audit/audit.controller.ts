import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { badRequest } from '../common/api-errors.js';
import { parseAuditPoint } from './account-history.js';
import { AuditAccessGuard, CurrentAuditor, type Auditor } from './audit-access.guard.js';
import { toCsv, type AuditEventRow } from './audit-csv.js';
import { AuditService, type AccountStateView } from './audit.service.js';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1_000;

function wholeNumber(text: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw badRequest(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/**
 * The audit trail, answered from the event log itself: an account's events in order, exported as
 * CSV or JSON, and its state at any past moment folded with the engine's own `evolve`.
 * Open to the account's owner and to the admin token (`x-admin-token`).
 */
@Controller('api/v1/audit/accounts')
@UseGuards(AuditAccessGuard)
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /**
   * `?from=<revision>&limit=<n>`: one page (default 100, at most 1000) with `next`, the `from` of
   * the following page, while there is one. `?format=csv|json`: the whole history from `from`
   * (or `limit` events of it) as a download.
   */
  @Get(':accountId/events')
  async events(
    @CurrentAuditor() auditor: Auditor,
    @Param('accountId') accountIdText: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('from') fromText?: string,
    @Query('limit') limitText?: string,
    @Query('format') format?: string,
  ): Promise<{ events: AuditEventRow[]; next?: number } | { accountId: string; exportedAt: string; events: AuditEventRow[] } | string> {
    if (format !== undefined && format !== 'json' && format !== 'csv') throw badRequest('format must be csv or json');
    const from = wholeNumber(fromText, 'from', 0) ?? 0;
    const accountId = await this.audit.authorize(auditor, accountIdText);
    if (format === undefined) {
      const limit = wholeNumber(limitText, 'limit', 1, MAX_PAGE) ?? DEFAULT_PAGE;
      return this.audit.page(accountId, from, limit);
    }
    const events = await this.audit.history(accountId, from, wholeNumber(limitText, 'limit', 1));
    const file = `account-${accountId}-events.${format}`;
    void reply.header('content-disposition', `attachment; filename="${file}"`);
    if (format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8');
      return toCsv(events);
    }
    return { accountId: String(accountId), exportedAt: new Date().toISOString(), events };
  }

  /** `?at=<revision>` (digits) or `?at=<ISO-8601 time>`; the latest state without `at`. */
  @Get(':accountId/state')
  async state(@CurrentAuditor() auditor: Auditor, @Param('accountId') accountIdText: string, @Query('at') at?: string): Promise<AccountStateView> {
    const point = parseAuditPoint(at);
    if (!point) throw badRequest('at must be a revision (a whole number) or an ISO-8601 time such as 2026-03-03T10:30:00Z');
    const accountId = await this.audit.authorize(auditor, accountIdText);
    return this.audit.stateAt(accountId, point);
  }
}
