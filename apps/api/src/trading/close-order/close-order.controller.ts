import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { fixedFromNumber, fixedToString, InvalidDecimalError } from '../../../../../libs/domain/src/index.js';
import { AccountsService, parseId } from '../../accounts/accounts.service.js';
import { CredentialsGuard } from '../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../auth/principal.js';
import { badRequest, notFound } from '../../common/api-errors.js';
import { EngineGateway } from '../../common/engine-gateway.service.js';
import { moneyNumber } from '../../common/render.js';
import { apiV1Body } from '../../common/validation.js';
import { CloseOrderDto } from './close-order.dto.js';
import { ApiV1, CloseOrderDocs } from '../../openapi/v1-docs.js';

@ApiV1('Trading (/api/v1)')
@Controller('api/v1/trade')
@UseGuards(CredentialsGuard)
export class CloseOrderController {
  constructor(
    private readonly gateway: EngineGateway,
    private readonly accounts: AccountsService,
  ) {}

  /** Closes a position, or part of it when `quantity` is below the open volume. */
  @CloseOrderDocs()
  @Post('close')
  @HttpCode(HttpStatus.OK)
  async close(@CurrentUser() user: Principal, @Body(apiV1Body(['orderId'])) body: CloseOrderDto, @Req() request: { id?: string }) {
    const orderId = parseId(body.orderId);
    if (orderId === undefined) throw notFound('Order');
    const accountId = body.accountId === undefined ? null : (await this.accounts.resolve(user, body.accountId)).accountId;
    let volume: string | null = null;
    if (body.quantity !== undefined && body.quantity !== null) {
      try {
        volume = fixedToString(fixedFromNumber(body.quantity));
      } catch (error) {
        if (error instanceof InvalidDecimalError) throw badRequest('quantity has too many decimals');
        throw error;
      }
    }
    const commandId = this.gateway.newCommandId();
    const { outcome } = await this.gateway.execute(
      { type: 'ClosePosition', commandId, userId: user.userId, accountId, orderId, volume, clientId: null, comment: null, deadline: this.gateway.deadline() },
      request.id ?? randomUUID(),
    );
    if (outcome.reason === 'POSITION_NOT_FOUND') throw notFound('Order');
    if (outcome.code !== 'TRADE_RETCODE_DONE') throw badRequest(outcome.message, outcome.code);
    return {
      message: 'Order closed successfully',
      orderId: String(orderId),
      // The engine's price already carries the instrument's digits: a plain number renders it exactly.
      closePrice: Number(outcome.price),
      profit: moneyNumber(outcome.profit!),
      quantity: Number(outcome.volume),
    };
  }
}
