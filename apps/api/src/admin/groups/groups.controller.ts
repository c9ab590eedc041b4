import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { exactDecimal } from '../../common/decimal-input.js';
import type { ReadModelReader } from '../../../../../libs/read-models/src/read-model-store.port.js';
import { parseId } from '../../accounts/accounts.service.js';
import { badRequest, notFound } from '../../common/api-errors.js';
import { EngineGateway } from '../../common/engine-gateway.service.js';
import { apiV1Body } from '../../common/validation.js';
import { READ_MODELS } from '../../runtime.tokens.js';
import { AdminGuard } from '../admin.guard.js';
import { ChangeAccountGroupDto, DefineGroupDto } from './define-group.dto.js';
import { ApiAdmin, DefineGroupDocs, ListGroupsDocs, MoveAccountDocs } from '../../openapi/v1-docs.js';

@ApiAdmin()
@Controller('api/v1/admin')
@UseGuards(AdminGuard)
export class GroupsController {
  constructor(
    private readonly gateway: EngineGateway,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
  ) {}

  /** Defines (or redefines) a group: account leverage, margin call and stop-out levels, commission, symbols, hedging. */
  @DefineGroupDocs()
  @Post('groups')
  @HttpCode(HttpStatus.OK)
  async define(@Body(apiV1Body(['name', 'leverage', 'marginCall', 'stopOut'])) body: DefineGroupDto) {
    const commandId = this.gateway.newCommandId();
    const { outcome } = await this.gateway.execute(
      {
        type: 'DefineGroup',
        commandId,
        name: body.name,
        leverage: body.leverage,
        maxLeverage: body.maxLeverage ?? null,
        marginCallPercent: exactDecimal(body.marginCall, 'marginCall'),
        stopOutPercent: exactDecimal(body.stopOut, 'stopOut'),
        commissionPerLot: exactDecimal(body.commissionPerLot ?? 0, 'commissionPerLot'),
        symbols: body.symbols ?? null,
        hedging: body.hedging ?? true,
      },
      commandId,
    );
    if (outcome.code !== 'TRADE_RETCODE_DONE') throw badRequest(outcome.reason ?? outcome.message, outcome.code);
    return { group: await this.readModels.group(body.name) };
  }

  @ListGroupsDocs()
  @Get('groups')
  async list() {
    return { groups: await this.readModels.groups() };
  }

  /** Moves an account into a group; its conditions apply from the account's next decision. */
  @MoveAccountDocs()
  @Post('accounts/:accountId/group')
  @HttpCode(HttpStatus.OK)
  async move(@Param('accountId') accountIdText: string, @Body(apiV1Body(['group'])) body: ChangeAccountGroupDto) {
    const accountId = parseId(accountIdText);
    if (accountId === undefined) throw notFound('Account');
    const commandId = this.gateway.newCommandId();
    const { outcome } = await this.gateway.execute({ type: 'ChangeAccountGroup', commandId, accountId, group: body.group }, commandId);
    if (outcome.reason === 'ACCOUNT_NOT_FOUND') throw notFound('Account');
    if (outcome.reason === 'GROUP_NOT_FOUND') throw notFound('Group');
    if (outcome.code !== 'TRADE_RETCODE_DONE' && outcome.code !== 'TRADE_RETCODE_NO_CHANGES') throw badRequest(outcome.reason ?? outcome.message, outcome.code);
    const account = await this.readModels.account(accountId);
    return { accountId: String(accountId), group: account?.group, leverage: account?.leverage };
  }
}
