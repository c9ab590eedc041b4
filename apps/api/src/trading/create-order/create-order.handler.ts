import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import {
  divInt,
  fixedFromNumber,
  mul,
  fixedToString,
  InvalidDecimalError,
  openPriceFor,
  parseFixed,
  type PriceBoard,
} from '../../../../../libs/domain/src/index.js';
import type { EngineReply } from '../../../../../libs/messaging/src/index.js';
import { AccountsService } from '../../accounts/accounts.service.js';
import { badRequest } from '../../common/api-errors.js';
import { exactDecimal } from '../../common/decimal-input.js';
import { EngineGateway } from '../../common/engine-gateway.service.js';
import { PRICES } from '../../runtime.tokens.js';
import { CreateOrderCommand } from './create-order.command.js';

const decimal = (value: number | null | undefined, field: string): string | null => {
  if (value === null || value === undefined) return null;
  try {
    return fixedToString(fixedFromNumber(value));
  } catch (error) {
    if (error instanceof InvalidDecimalError) throw badRequest(`${field} has too many decimals`);
    throw error;
  }
};

@CommandHandler(CreateOrderCommand)
export class CreateOrderHandler implements ICommandHandler<CreateOrderCommand, EngineReply> {
  constructor(
    private readonly gateway: EngineGateway,
    private readonly accounts: AccountsService,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  async execute({ principal, body, receivedAt, correlationId }: CreateOrderCommand): Promise<EngineReply> {
    const accountId = await this.accounts.resolveId(principal, body.accountId);
    // Slippage is a percentage of the price this API quoted when the request arrived.
    const quote = this.prices.quote(body.symbol);
    let slippage: { quotedPrice: string; maxDeviation: string } | null = null;
    if (body.slippage !== undefined && body.slippage !== null && quote) {
      const quoted = openPriceFor(body.type, quote);
      // percent of the quoted price → the largest price distance accepted (exact, rounded half-up at 1e-8)
      const maxDeviation = divInt(mul(quoted, parseFixed(exactDecimal(body.slippage, 'slippage'))), 100);
      slippage = { quotedPrice: fixedToString(quoted), maxDeviation: fixedToString(maxDeviation) };
    }
    return this.gateway.execute(
      {
        type: 'PlaceOrder',
        commandId: this.gateway.newCommandId(),
        userId: principal.userId,
        accountId,
        symbol: body.symbol,
        side: body.type,
        volume: decimal(body.quantity, 'quantity')!,
        leverage: body.leverage,
        takeProfit: decimal(body.takeProfit, 'takeProfit'),
        stopLoss: decimal(body.stopLoss, 'stopLoss'),
        slippage,
        clientId: body.clientId ?? null,
        comment: body.comment ?? null,
        magic: null,
        deadline: this.gateway.deadline(receivedAt),
      },
      correlationId,
    );
  }
}
