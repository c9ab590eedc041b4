import { tradeResponse } from './trade-response.js';

describe('a trade outcome', () => {
  it('done answers 10009 with the ids as strings of digits', () => {
    expect(tradeResponse('TRADE_RETCODE_DONE', { orderId: 47138322, positionId: 46648037 })).toEqual({
      numericCode: 10009,
      stringCode: 'TRADE_RETCODE_DONE',
      message: 'Request completed',
      orderId: '47138322',
      positionId: '46648037',
    });
  });

  it.each([
    ['TRADE_RETCODE_NO_MONEY', 10019, 'There is not enough money to complete the request'],
    ['TRADE_RETCODE_TIMEOUT', 10012, 'Request canceled by timeout'],
    ['TRADE_RETCODE_REJECT', 10006, 'Request rejected'],
  ] as const)('refused with %s answers %i with its description and no id', (code, numericCode, message) => {
    expect(tradeResponse(code, { orderId: 1, positionId: 2 })).toEqual({ numericCode, stringCode: code, message });
  });
});
