import { isSuccess, resultCodeMessage, resultCodeNumber, type ResultCode } from '../../../../../../libs/domain/src/index.js';

/** MetaApi's MetatraderTradeResponse. */
export interface TradeResponse {
  numericCode: number;
  stringCode: string;
  message: string;
  orderId?: string;
  positionId?: string;
}

/**
 * The answer to a trade: MetaTrader 5's result code as a number and a name, its description, and
 * on success the ids the action concerns (tickets as strings of digits). A rejection carries no id.
 */
export function tradeResponse(code: ResultCode, ids: { orderId?: number; positionId?: number } = {}): TradeResponse {
  const response: TradeResponse = { numericCode: resultCodeNumber(code), stringCode: code, message: resultCodeMessage(code) };
  if (!isSuccess(code)) return response;
  if (ids.orderId !== undefined) response.orderId = String(ids.orderId);
  if (ids.positionId !== undefined) response.positionId = String(ids.positionId);
  return response;
}
