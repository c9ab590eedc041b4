import { Inject, Injectable } from '@nestjs/common';
import {
  findInstrument,
  fixedFromNumber,
  fixedToString,
  InvalidDecimalError,
  openPriceFor,
  SCALE_DIGITS,
  type EngineCommand,
  type ExpirationType,
  type PendingOrderType,
  type PriceBoard,
  type Side,
} from '../../../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import type { AccountView } from '../../../../../../libs/read-models/src/views.js';
import { parseId } from '../../../accounts/accounts.service.js';
import type { Principal } from '../../../auth/principal.js';
import { PRICES, READ_MODELS } from '../../../runtime.tokens.js';
import { invalidParameter } from '../common/metaapi-error.js';
import { MetaApiEngine } from '../common/metaapi-engine.service.js';
import type {
  ExpirationRequest,
  MarketOrderRequest,
  OrderModifyRequest,
  PendingOrderRequest,
  PositionModifyRequest,
  TradeRequest,
} from './trade-request.dto.js';
import { tradeResponse, type TradeResponse } from './trade-response.js';

/** An exact decimal string of a JSON number; more than 8 decimals is a 400, never rounded. */
function decimal(value: number, parameter: string): string {
  try {
    return fixedToString(fixedFromNumber(value));
  } catch (error) {
    if (error instanceof InvalidDecimalError) throw invalidParameter(parameter, value, `${parameter} has more than ${SCALE_DIGITS} decimals`);
    throw error;
  }
}

/** A stop loss or take profit: 0 or null is no level. */
const level = (value: number | null | undefined, parameter: string): string | null =>
  value === undefined || value === null || value === 0 ? null : decimal(value, parameter);

/** A level of a modification: absent keeps the current one, 0 or null removes it. */
const levelOrCurrent = (value: number | null | undefined, current: string | null | undefined, parameter: string): string | null =>
  value === undefined ? (current ?? null) : level(value, parameter);

const PENDING_TYPE: Record<PendingOrderRequest['actionType'], PendingOrderType> = {
  ORDER_TYPE_BUY_LIMIT: 'BUY_LIMIT',
  ORDER_TYPE_SELL_LIMIT: 'SELL_LIMIT',
  ORDER_TYPE_BUY_STOP: 'BUY_STOP',
  ORDER_TYPE_SELL_STOP: 'SELL_STOP',
  ORDER_TYPE_BUY_STOP_LIMIT: 'BUY_STOP_LIMIT',
  ORDER_TYPE_SELL_STOP_LIMIT: 'SELL_STOP_LIMIT',
};

const EXPIRATION_TYPE: Record<ExpirationRequest['type'], ExpirationType> = {
  ORDER_TIME_GTC: 'GTC',
  ORDER_TIME_DAY: 'DAY',
  ORDER_TIME_SPECIFIED: 'SPECIFIED',
  ORDER_TIME_SPECIFIED_DAY: 'SPECIFIED_DAY',
};

/** The lifetime a command carries; the time only for the types that use it (MetaApi ignores it otherwise). */
function expiration(given: ExpirationRequest): { type: ExpirationType; time: number | null } {
  const type = EXPIRATION_TYPE[given.type];
  const usesTime = type === 'SPECIFIED' || type === 'SPECIFIED_DAY';
  return { type, time: usesTime && given.time !== undefined ? Date.parse(given.time) : null };
}

/** What a request needs besides its body: who sends it, for which account, when, and its correlation id. */
export interface TradeContext {
  principal: Principal;
  account: AccountView;
  receivedAt: number;
  correlationId: string;
}

/**
 * Turns each MetaApi action into the engine's command and its outcome into MetatraderTradeResponse.
 * Every outcome, rejections included, is a response (the controller answers it with 200).
 */
@Injectable()
export class MetaApiTradeService {
  constructor(
    private readonly engine: MetaApiEngine,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  async trade(request: TradeRequest, ctx: TradeContext): Promise<TradeResponse> {
    const userId = ctx.principal.userId;
    const accountId = ctx.account.accountId;
    const commandId = this.engine.newCommandId();
    const deadline = this.engine.deadline(ctx.receivedAt);
    const send = async (command: EngineCommand) => (await this.engine.execute(command, ctx.correlationId)).outcome;

    switch (request.actionType) {
      case 'ORDER_TYPE_BUY':
      case 'ORDER_TYPE_SELL': {
        const r = request as MarketOrderRequest;
        const side: Side = r.actionType === 'ORDER_TYPE_BUY' ? 'BUY' : 'SELL';
        const outcome = await send({
          type: 'PlaceOrder',
          commandId,
          userId,
          accountId,
          symbol: r.symbol,
          side,
          volume: decimal(r.volume, 'volume'),
          leverage: null,
          takeProfit: level(r.takeProfit, 'takeProfit'),
          stopLoss: level(r.stopLoss, 'stopLoss'),
          slippage: this.slippage(r.symbol, side, r.slippage),
          clientId: r.clientId ?? null,
          comment: r.comment ?? null,
          magic: r.magic ?? null,
          deadline,
        });
        return tradeResponse(outcome.code, { orderId: outcome.orderId });
      }
      case 'ORDER_TYPE_BUY_LIMIT':
      case 'ORDER_TYPE_SELL_LIMIT':
      case 'ORDER_TYPE_BUY_STOP':
      case 'ORDER_TYPE_SELL_STOP':
      case 'ORDER_TYPE_BUY_STOP_LIMIT':
      case 'ORDER_TYPE_SELL_STOP_LIMIT': {
        const r = request as PendingOrderRequest & { stopLimitPrice?: number };
        // Slippage does not apply to an order that waits for its own price.
        const outcome = await send({
          type: 'PlacePendingOrder',
          commandId,
          userId,
          accountId,
          symbol: r.symbol,
          orderType: PENDING_TYPE[r.actionType],
          volume: decimal(r.volume, 'volume'),
          price: decimal(r.openPrice, 'openPrice'),
          stopLimitPrice: r.stopLimitPrice === undefined ? null : decimal(r.stopLimitPrice, 'stopLimitPrice'),
          leverage: null,
          takeProfit: level(r.takeProfit, 'takeProfit'),
          stopLoss: level(r.stopLoss, 'stopLoss'),
          expiration: r.expiration ? expiration(r.expiration) : { type: 'GTC', time: null },
          clientId: r.clientId ?? null,
          comment: r.comment ?? null,
          magic: r.magic ?? null,
          deadline,
        });
        return tradeResponse(outcome.code, { orderId: outcome.orderId });
      }
      case 'POSITION_MODIFY': {
        const r = request as PositionModifyRequest;
        const positionId = parseId(r.positionId);
        if (positionId === undefined) return tradeResponse('TRADE_RETCODE_POSITION_CLOSED');
        const current = await this.readModels.openOrder(positionId);
        const mine = current?.accountId === accountId ? current : undefined;
        const outcome = await send({
          type: 'ModifyPosition',
          commandId,
          userId,
          accountId,
          orderId: positionId,
          takeProfit: levelOrCurrent(r.takeProfit, mine?.takeProfit, 'takeProfit'),
          stopLoss: levelOrCurrent(r.stopLoss, mine?.stopLoss, 'stopLoss'),
          deadline,
        });
        return tradeResponse(outcome.code, { positionId });
      }
      case 'POSITION_PARTIAL':
      case 'POSITION_CLOSE_ID': {
        // clientId and comment go onto the closing deal; magic, slippage and fillingModes are validated
        // only: a close executes at market.
        const positionId = parseId(request.positionId);
        if (positionId === undefined) return tradeResponse('TRADE_RETCODE_POSITION_CLOSED');
        const volume = request.actionType === 'POSITION_PARTIAL' ? decimal(request.volume, 'volume') : null;
        const tags = { clientId: request.clientId ?? null, comment: request.comment ?? null };
        const outcome = await send({ type: 'ClosePosition', commandId, userId, accountId, orderId: positionId, volume, ...tags, deadline });
        // No closing order gets a ticket of its own here: the close is reported under the position's ticket.
        return tradeResponse(outcome.code, { orderId: positionId, positionId });
      }
      case 'POSITIONS_CLOSE_SYMBOL': {
        const tags = { clientId: request.clientId ?? null, comment: request.comment ?? null };
        const outcome = await send({ type: 'ClosePositionsBySymbol', commandId, userId, accountId, symbol: request.symbol, ...tags, deadline });
        // The engine reports the last position it closed (positions close oldest first).
        return tradeResponse(outcome.code, { orderId: outcome.orderId, positionId: outcome.orderId });
      }
      case 'ORDER_MODIFY': {
        const r = request as OrderModifyRequest;
        const orderId = parseId(r.orderId);
        if (orderId === undefined) return tradeResponse('TRADE_RETCODE_INVALID_ORDER');
        const current = await this.readModels.pendingOrder(orderId);
        const mine = current?.accountId === accountId ? current : undefined;
        const outcome = await send({
          type: 'ModifyOrder',
          commandId,
          userId,
          accountId,
          orderId,
          price: decimal(r.openPrice, 'openPrice'),
          stopLimitPrice: r.stopLimitPrice === undefined ? (mine?.stopLimitPrice ?? null) : decimal(r.stopLimitPrice, 'stopLimitPrice'),
          takeProfit: levelOrCurrent(r.takeProfit, mine?.takeProfit, 'takeProfit'),
          stopLoss: levelOrCurrent(r.stopLoss, mine?.stopLoss, 'stopLoss'),
          expiration: r.expiration ? expiration(r.expiration) : null,
          deadline,
        });
        return tradeResponse(outcome.code, { orderId });
      }
      case 'ORDER_CANCEL': {
        const orderId = parseId(request.orderId);
        if (orderId === undefined) return tradeResponse('TRADE_RETCODE_INVALID_ORDER');
        const outcome = await send({ type: 'CancelOrder', commandId, userId, accountId, orderId, deadline });
        return tradeResponse(outcome.code, { orderId });
      }
      default: {
        const unknown: never = request;
        throw new Error(`Unhandled MetaApi action ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * MetaApi's slippage is in points (10^-digits of the symbol): the engine takes it as the largest
   * distance from the price this API quoted when the request arrived. Without a quote (or for a
   * symbol we do not trade) there is nothing to protect: the engine refuses the order anyway.
   */
  private slippage(symbol: string, side: Side, points: number | undefined): { quotedPrice: string; maxDeviation: string } | null {
    if (points === undefined || points === null) return null;
    const instrument = findInstrument(symbol);
    const quote = this.prices.quote(symbol);
    if (!instrument || !quote) return null;
    const maxDeviation = BigInt(points) * 10n ** BigInt(SCALE_DIGITS - instrument.digits);
    return { quotedPrice: fixedToString(openPriceFor(side, quote)), maxDeviation: fixedToString(maxDeviation) };
  }
}

