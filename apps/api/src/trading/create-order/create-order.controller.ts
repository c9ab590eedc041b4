import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { EngineReply } from '../../../../../libs/messaging/src/index.js';
import { CredentialsGuard } from '../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../auth/principal.js';
import { badRequest } from '../../common/api-errors.js';
import { apiV1Body, withFastPath } from '../../common/validation.js';
import { CreateOrderCommand } from './create-order.command.js';
import { CREATE_ORDER_REQUIRED, CreateOrderDto, isCertainlyValidCreateOrder } from './create-order.dto.js';
import { ApiV1, CreateOrderDocs } from '../../openapi/v1-docs.js';

@ApiV1('Trading (/api/v1)')
@Controller('api/v1/trade')
@UseGuards(CredentialsGuard)
export class CreateOrderController {
  constructor(private readonly commands: CommandBus) {}

  /** Seed 000: a market order, answered within 3 seconds (else the seed's 408). */
  @CreateOrderDocs()
  @Post('create')
  @HttpCode(HttpStatus.OK)
  async create(
    @CurrentUser() user: Principal,
    @Body(withFastPath(apiV1Body(CREATE_ORDER_REQUIRED), isCertainlyValidCreateOrder)) body: CreateOrderDto,
    @Req() request: { id?: string },
  ): Promise<{ message: string; orderId: string }> {
    const reply = await this.commands.execute<CreateOrderCommand, EngineReply>(
      new CreateOrderCommand(user, body, Date.now(), request.id ?? randomUUID()),
    );
    const { outcome } = reply;
    if (outcome.code !== 'TRADE_RETCODE_DONE' || outcome.orderId === undefined) {
      throw badRequest(outcome.message, outcome.code);
    }
    return { message: 'Order created successfully', orderId: String(outcome.orderId) };
  }
}
