import { Body, Controller, HttpCode, HttpStatus, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { exactDecimal } from '../../common/decimal-input.js';
import type { ReadModelReader } from '../../../../../libs/read-models/src/read-model-store.port.js';
import { parseId } from '../../accounts/accounts.service.js';
import { badRequest, notFound } from '../../common/api-errors.js';
import { EngineGateway } from '../../common/engine-gateway.service.js';
import { moneyNumber } from '../../common/render.js';
import { apiV1Body } from '../../common/validation.js';
import { READ_MODELS } from '../../runtime.tokens.js';
import { AdminGuard } from '../admin.guard.js';
import { ChangeBalanceDto } from './change-balance.dto.js';
import { ApiAdmin, ChangeBalanceDocs } from '../../openapi/v1-docs.js';

@ApiAdmin()
@Controller('api/v1/admin/accounts')
@UseGuards(AdminGuard)
export class ChangeBalanceController {
  constructor(
    private readonly gateway: EngineGateway,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
  ) {}

  /** A deposit, or a withdrawal when negative (refused beyond the free margin). */
  @ChangeBalanceDocs()
  @Post(':accountId/balance')
  @HttpCode(HttpStatus.OK)
  async change(@Param('accountId') accountIdText: string, @Body(apiV1Body(['amount'])) body: ChangeBalanceDto) {
    const accountId = parseId(accountIdText);
    if (accountId === undefined) throw notFound('Account');
    const commandId = this.gateway.newCommandId();
    const { outcome } = await this.gateway.execute(
      { type: 'ChangeBalance', commandId, accountId, amount: exactDecimal(body.amount, 'amount'), comment: body.comment ?? '' },
      commandId,
    );
    if (outcome.reason === 'ACCOUNT_NOT_FOUND') throw notFound('Account');
    if (outcome.code !== 'TRADE_RETCODE_DONE') throw badRequest(outcome.message, outcome.code);
    const account = await this.readModels.account(accountId);
    return { accountId: String(accountId), balance: account ? moneyNumber(account.balance) : null };
  }
}
