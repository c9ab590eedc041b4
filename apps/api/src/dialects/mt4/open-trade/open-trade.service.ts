import { Inject, Injectable } from '@nestjs/common';
import {
  findInstrument,
  fixedFromNumber,
  fixedToString,
  InvalidDecimalError,
  isSuccess,
  resultCodeNumber,
  SCALE,
  type EngineCommand,
  type Outcome,
  type PendingOrderType,
} from '../../../../../../libs/domain/src/index.js';
import type { Principal } from '../../../auth/principal.js';
import { EngineGateway } from '../../../common/engine-gateway.service.js';
import { Mt4AccessService } from '../mt4-access.service.js';
import { invalidData, Mt4Error } from '../mt4-errors.js';
import { MT4_COMMANDS, type OpenTradeDto } from './open-trade.dto.js';

/** A price level: 0 means none; otherwise an exact decimal (at most 8 decimals). */
function level(value: number | undefined, field: string): string | null {
  if (value === undefined || value === 0) return null;
  try {
    return fixedToString(fixedFromNumber(value));
  } catch (error) {
    if (error instanceof InvalidDecimalError) throw invalidData(`${field} has too many decimals`);
    throw error;
  }
}

/** The engine's refusal as seed 001's OPEN_ORDER_ERROR: result code, its number, the reason and the message. */
export function openOrderError(outcome: Outcome): Mt4Error {
  const reason = outcome.reason ? ` [${outcome.reason}]` : '';
  return new Mt4Error('OPEN_ORDER_ERROR', `${outcome.code} (${resultCodeNumber(outcome.code)})${reason}: ${outcome.message}`);
}

/** Seed 001's OpenTrade as one engine command: PlaceOrder (cmd 0–1) or PlacePendingOrder (cmd 2–5). */
@Injectable()
export class OpenTradeService {
  constructor(
    private readonly gateway: EngineGateway,
    @Inject(Mt4AccessService) private readonly access: Mt4AccessService,
  ) {}

  async open(principal: Principal, body: OpenTradeDto, requestId: string, receivedAt: number): Promise<number> {
    const instrument = findInstrument(body.symbol)!;
    // 1/100 lots → lots, exactly (the scale has 8 decimals).
    const lots = (BigInt(body.volume) * SCALE) / 100n;
    if (lots < instrument.volumeMin || lots > instrument.volumeMax) {
      const unit = (v: bigint) => String((v * 100n) / SCALE);
      throw invalidData(`volume must be between ${unit(instrument.volumeMin)} and ${unit(instrument.volumeMax)} (1/100 lots) for ${instrument.symbol}`);
    }
    const command = MT4_COMMANDS[body.cmd]!;
    const takeProfit = level(body.tp, 'tp');
    const stopLoss = level(body.sl, 'sl');
    const openPrice = level(body.open_price, 'open_price');
    if (command !== 'BUY' && command !== 'SELL' && openPrice === null) throw invalidData('open_price is required for a pending order (cmd 2–5)');

    // Access is checked after the body is known to be valid, and before anything reaches the engine.
    const { account, managerId } = await this.access.resolve(principal, body.login);
    const common = {
      commandId: this.gateway.newCommandId(),
      // The engine checks ownership: a manager's trade is sent for the account's owner, and the
      // manager is named in the correlation id that every resulting event carries.
      userId: account.userId,
      accountId: account.accountId,
      symbol: instrument.symbol,
      volume: fixedToString(lots),
      leverage: null,
      takeProfit,
      stopLoss,
      clientId: null,
      comment: body.comment ?? null,
      magic: null,
      deadline: this.gateway.deadline(receivedAt),
    };
    const engineCommand: EngineCommand =
      command === 'BUY' || command === 'SELL'
        ? { type: 'PlaceOrder', ...common, side: command, slippage: null }
        : {
            type: 'PlacePendingOrder',
            ...common,
            orderType: command satisfies PendingOrderType,
            price: openPrice!,
            stopLimitPrice: null,
            expiration: body.expiration ? { type: 'SPECIFIED', time: body.expiration * 1000 } : { type: 'GTC', time: null },
          };
    const correlationId = managerId === null ? requestId : `manager:${managerId}:${requestId}`;
    const { outcome } = await this.gateway.execute(engineCommand, correlationId);
    if (!isSuccess(outcome.code) || outcome.orderId === undefined) throw openOrderError(outcome);
    return outcome.orderId;
  }
}
