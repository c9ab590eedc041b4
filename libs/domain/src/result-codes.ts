/** MetaTrader 5 trade server return codes: every engine outcome is one of these. */
export const RESULT_CODES = {
  TRADE_RETCODE_REQUOTE: 10004,
  TRADE_RETCODE_REJECT: 10006,
  TRADE_RETCODE_CANCEL: 10007,
  TRADE_RETCODE_PLACED: 10008,
  TRADE_RETCODE_DONE: 10009,
  TRADE_RETCODE_DONE_PARTIAL: 10010,
  TRADE_RETCODE_ERROR: 10011,
  TRADE_RETCODE_TIMEOUT: 10012,
  TRADE_RETCODE_INVALID: 10013,
  TRADE_RETCODE_INVALID_VOLUME: 10014,
  TRADE_RETCODE_INVALID_PRICE: 10015,
  TRADE_RETCODE_INVALID_STOPS: 10016,
  TRADE_RETCODE_TRADE_DISABLED: 10017,
  TRADE_RETCODE_MARKET_CLOSED: 10018,
  TRADE_RETCODE_NO_MONEY: 10019,
  TRADE_RETCODE_PRICE_CHANGED: 10020,
  TRADE_RETCODE_PRICE_OFF: 10021,
  TRADE_RETCODE_INVALID_EXPIRATION: 10022,
  TRADE_RETCODE_ORDER_CHANGED: 10023,
  TRADE_RETCODE_TOO_MANY_REQUESTS: 10024,
  TRADE_RETCODE_NO_CHANGES: 10025,
  TRADE_RETCODE_LOCKED: 10028,
  TRADE_RETCODE_FROZEN: 10029,
  TRADE_RETCODE_INVALID_FILL: 10030,
  TRADE_RETCODE_CONNECTION: 10031,
  TRADE_RETCODE_LIMIT_ORDERS: 10033,
  TRADE_RETCODE_LIMIT_VOLUME: 10034,
  TRADE_RETCODE_INVALID_ORDER: 10035,
  TRADE_RETCODE_POSITION_CLOSED: 10036,
  TRADE_RETCODE_INVALID_CLOSE_VOLUME: 10038,
  TRADE_RETCODE_CLOSE_ORDER_EXIST: 10039,
  TRADE_RETCODE_LIMIT_POSITIONS: 10040,
  TRADE_RETCODE_HEDGE_PROHIBITED: 10046,
} as const;

export type ResultCode = keyof typeof RESULT_CODES;

const MESSAGES: Partial<Record<ResultCode, string>> = {
  TRADE_RETCODE_REQUOTE: 'Requote',
  TRADE_RETCODE_REJECT: 'Request rejected',
  TRADE_RETCODE_PLACED: 'Order placed',
  TRADE_RETCODE_DONE: 'Request completed',
  TRADE_RETCODE_TIMEOUT: 'Request canceled by timeout',
  TRADE_RETCODE_INVALID: 'Invalid request',
  TRADE_RETCODE_INVALID_VOLUME: 'Invalid volume in the request',
  TRADE_RETCODE_INVALID_PRICE: 'Invalid price in the request',
  TRADE_RETCODE_INVALID_STOPS: 'Invalid stops in the request',
  TRADE_RETCODE_TRADE_DISABLED: 'Trade is disabled',
  TRADE_RETCODE_NO_MONEY: 'There is not enough money to complete the request',
  TRADE_RETCODE_PRICE_CHANGED: 'Prices changed',
  TRADE_RETCODE_PRICE_OFF: 'There are no quotes to process the request',
  TRADE_RETCODE_NO_CHANGES: 'No changes in request',
  TRADE_RETCODE_POSITION_CLOSED: 'Position with the specified identifier has already been closed',
  TRADE_RETCODE_INVALID_CLOSE_VOLUME: 'A close volume exceeds the current position volume',
  TRADE_RETCODE_INVALID_EXPIRATION: 'Invalid order expiration date in the request',
  TRADE_RETCODE_HEDGE_PROHIBITED: 'Opening of an opposite position is prohibited',
  TRADE_RETCODE_CANCEL: 'Request canceled by trader',
};

export function resultCodeNumber(code: ResultCode): number {
  return RESULT_CODES[code];
}

export function resultCodeMessage(code: ResultCode): string {
  return MESSAGES[code] ?? code.replace('TRADE_RETCODE_', '').toLowerCase().replace(/_/g, ' ');
}

export function isSuccess(code: ResultCode): boolean {
  return code === 'TRADE_RETCODE_DONE' || code === 'TRADE_RETCODE_PLACED' || code === 'TRADE_RETCODE_DONE_PARTIAL';
}
