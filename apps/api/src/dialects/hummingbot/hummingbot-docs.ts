/** Example bodies of the Hummingbot dialect's errors, for the OpenAPI document. */
export const DETAIL_EXAMPLES = {
  rejected: { detail: 'Trade rejected: TRADE_RETCODE_NO_MONEY (10019) [NO_MONEY]: There is not enough money to complete the request: NO_MONEY' },
  unauthorized: { detail: 'Incorrect username or password' },
  accountNotFound: { detail: "Account 'Savings' not found" },
  orderNotFound: { detail: 'Order 1000042 not found' },
  validation: {
    detail: [
      { type: 'literal_error', loc: ['body', 'trade_type'], msg: "Input should be 'BUY' or 'SELL'", input: 'HOLD' },
      { type: 'missing', loc: ['body', 'amount'], msg: 'Field required', input: {} },
    ],
  },
} as const;
