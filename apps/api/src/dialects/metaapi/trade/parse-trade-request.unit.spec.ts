import { MetaApiError } from '../common/metaapi-error.js';
import { parseTradeRequest } from './parse-trade-request.js';
import { MarketOrderRequest, OrderModifyRequest, PendingOrderRequest, StopLimitOrderRequest } from './trade-request.dto.js';

/** The details of the 400 a body gets, or undefined when it is accepted. */
function rejection(body: unknown) {
  try {
    parseTradeRequest(body);
    return undefined;
  } catch (error) {
    if (!(error instanceof MetaApiError)) throw error;
    return { status: error.getStatus(), body: error.body };
  }
}

describe('a MetaApi trade body', () => {
  it('of a market order becomes its DTO with every field', () => {
    const request = parseTradeRequest({
      actionType: 'ORDER_TYPE_SELL',
      symbol: 'AUDNZD',
      volume: 0.01,
      takeProfit: 1.03,
      stopLoss: 0,
      comment: 'c',
      clientId: 'k',
      magic: 7,
      slippage: 5,
      fillingModes: ['ORDER_FILLING_IOC'],
    });
    expect(request).toBeInstanceOf(MarketOrderRequest);
    expect(request).toMatchObject({ actionType: 'ORDER_TYPE_SELL', symbol: 'AUDNZD', volume: 0.01, takeProfit: 1.03, stopLoss: 0, magic: 7 });
  });

  it.each([
    [{ actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.03 }, PendingOrderRequest],
    [{ actionType: 'ORDER_TYPE_SELL_STOP_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.03, stopLimitPrice: 1.031 }, StopLimitOrderRequest],
    [{ actionType: 'ORDER_MODIFY', orderId: '47067192', openPrice: 1.03, stopLoss: 1.05 }, OrderModifyRequest],
  ])('%j is read as its action shape', (body, shape) => {
    expect(parseTradeRequest(body)).toBeInstanceOf(shape);
  });

  it('with a nested expiration keeps it typed', () => {
    const request = parseTradeRequest({
      actionType: 'ORDER_TYPE_BUY_STOP',
      symbol: 'AUDNZD',
      volume: 0.01,
      openPrice: 1.05,
      expiration: { type: 'ORDER_TIME_SPECIFIED', time: '2030-01-01T00:00:00.000Z' },
    }) as PendingOrderRequest;
    expect(request.expiration).toEqual({ type: 'ORDER_TIME_SPECIFIED', time: '2030-01-01T00:00:00.000Z' });
  });

  it.each([
    { actionType: 'ORDER_MODIFY', orderId: '1000002', openPrice: 1.04, expiration: null },
    { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.03, expiration: null },
  ])('reads an expiration of null as none given: %j', (body) => {
    expect(rejection(body)).toBeUndefined();
  });

  it('accepts a comment and clientId of exactly 26 characters together', () => {
    expect(rejection({ actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, comment: 'c'.repeat(13), clientId: 'k'.repeat(13) })).toBeUndefined();
  });

  it.each<[string, unknown, { parameter: string; value?: unknown; message: string }[]]>([
    ['not an object', 'ORDER_TYPE_BUY', [{ parameter: 'body', message: 'The body must be a JSON object (MetatraderTrade)' }]],
    ['null', null, [{ parameter: 'body', message: 'The body must be a JSON object (MetatraderTrade)' }]],
    ['without actionType', { symbol: 'AUDNZD' }, [{ parameter: 'actionType', message: 'actionType is required' }]],
    [
      'a comment and clientId of 27 characters together',
      { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, comment: 'c'.repeat(14), clientId: 'k'.repeat(13) },
      [{ parameter: 'clientId', message: 'The sum of the line lengths of the comment and the clientId must be less than or equal to 26' }],
    ],
    [
      'an unknown nested field',
      { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.03, expiration: { type: 'ORDER_TIME_GTC', at: 'x' } },
      [{ parameter: 'expiration.at', value: 'x', message: 'property at should not exist' }],
    ],
    [
      'an unknown nested field named like a broken pattern',
      { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.03, expiration: { type: 'ORDER_TIME_GTC', ')(*[': 1 } },
      [{ parameter: 'expiration.)(*[', value: 1, message: 'property )(*[ should not exist' }],
    ],
    [
      'ORDER_TIME_SPECIFIED_DAY without its time',
      { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.03, expiration: { type: 'ORDER_TIME_SPECIFIED_DAY' } },
      [{ parameter: 'expiration.time', message: 'expiration.time is required for ORDER_TIME_SPECIFIED_DAY' }],
    ],
    [
      'an expiration time that is not a date',
      { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'AUDNZD', volume: 0.01, openPrice: 1.03, expiration: { type: 'ORDER_TIME_SPECIFIED', time: 'soon' } },
      [{ parameter: 'expiration.time', value: 'soon', message: 'expiration.time must be an ISO-8601 date and time' }],
    ],
    [
      'a fractional slippage',
      { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, slippage: 1.5 },
      [{ parameter: 'slippage', value: 1.5, message: 'slippage must be a whole number of points' }],
    ],
    [
      'a filling mode listed twice',
      { actionType: 'ORDER_TYPE_BUY', symbol: 'AUDNZD', volume: 0.01, fillingModes: ['ORDER_FILLING_FOK', 'ORDER_FILLING_FOK'] },
      [{ parameter: 'fillingModes', message: 'fillingModes must not repeat a filling mode' }],
    ],
    [
      'slippage on a position modification',
      { actionType: 'POSITION_MODIFY', positionId: '1', takeProfit: 1.1, slippage: 3 },
      [{ parameter: 'slippage', value: 3, message: 'property slippage should not exist' }],
    ],
  ])('%s is refused with 400 ValidationError listing each invalid parameter', (_name, body, details) => {
    expect(rejection(body)).toEqual({ status: 400, body: { id: 1, error: 'ValidationError', message: 'Validation failed', details } });
  });

  it('echoes a long invalid value only in part', () => {
    const details = rejection({ actionType: 'x'.repeat(200) })?.body.details;
    expect(details?.[0]?.value).toBe(`${'x'.repeat(64)}…`);
  });
});
