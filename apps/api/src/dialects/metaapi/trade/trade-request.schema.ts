/**
 * The OpenAPI schema of MetaApi's MetatraderTrade body: one shape per kind of `actionType`, with the
 * fields, types and bounds the DTO classes of `trade-request.dto.ts` validate (a unit test holds the
 * two together), and one example per shape. Clients, the docs and the test suites (fuzzing, access
 * checks) read it from `/docs-json`.
 */
import {
  ACTION_TYPES,
  EXPIRATION_TYPES,
  FILLING_MODES,
  MARKET_ACTIONS,
  MAX_COMMENT_AND_CLIENT_ID,
  PENDING_ACTIONS,
  STOP_LIMIT_ACTIONS,
  type ActionType,
} from './trade-request.dto.js';

type Schema = Record<string, unknown>;

const TICKET = '^[0-9]{1,19}$';
const tags: Record<string, Schema> = {
  comment: { type: 'string', maxLength: MAX_COMMENT_AND_CLIENT_ID, description: 'comment + clientId: at most 26 characters together' },
  clientId: {
    type: 'string',
    maxLength: MAX_COMMENT_AND_CLIENT_ID,
    description: 'Your id of the trade; without an Idempotency-Key header it is the idempotency key (same user, account and action)',
  },
  magic: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  slippage: { type: 'integer', minimum: 0, maximum: 1_000_000_000, description: 'Points (10^-digits of the symbol)' },
};
const executed: Record<string, Schema> = {
  ...tags,
  fillingModes: { type: 'array', items: { type: 'string', enum: [...FILLING_MODES] }, minItems: 1, maxItems: FILLING_MODES.length, uniqueItems: true },
};
const symbol: Schema = { type: 'string', minLength: 1, maxLength: 32, example: 'EURUSD' };
const volume: Schema = { type: 'number', minimum: 0, exclusiveMinimum: true, description: 'Lots', example: 0.01 };
const price = (description: string): Schema => ({ type: 'number', minimum: 0, exclusiveMinimum: true, description });
const level = (name: string): Schema => ({ type: 'number', minimum: 0, nullable: true, description: `${name}; 0 or null: none` });
const ticket = (description: string): Schema => ({ type: 'string', pattern: TICKET, description, example: '1000001' });
const expiration: Schema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: [...EXPIRATION_TYPES] },
    time: { type: 'string', format: 'date-time', description: 'For ORDER_TIME_SPECIFIED and ORDER_TIME_SPECIFIED_DAY' },
  },
};

function shape(title: string, actions: readonly ActionType[], required: string[], properties: Record<string, Schema>, example: Schema): Schema {
  return {
    title,
    type: 'object',
    required: ['actionType', ...required],
    additionalProperties: false,
    properties: { actionType: { type: 'string', enum: [...actions] }, ...properties },
    example,
  };
}

/** One schema per DTO class of trade-request.dto.ts, by title. */
export const TRADE_REQUEST_SHAPES: Schema[] = [
  shape('MarketOrderRequest', MARKET_ACTIONS, ['symbol', 'volume'], { symbol, volume, stopLoss: level('Stop loss'), takeProfit: level('Take profit'), ...executed }, {
    actionType: 'ORDER_TYPE_BUY',
    symbol: 'EURUSD',
    volume: 0.01,
    takeProfit: 1.2,
    clientId: 'my-order-1',
  }),
  shape(
    'PendingOrderRequest',
    PENDING_ACTIONS,
    ['symbol', 'volume', 'openPrice'],
    { symbol, volume, openPrice: price('Entry price'), stopLoss: level('Stop loss'), takeProfit: level('Take profit'), expiration, ...tags },
    { actionType: 'ORDER_TYPE_BUY_LIMIT', symbol: 'EURUSD', volume: 0.01, openPrice: 1.05, expiration: { type: 'ORDER_TIME_GTC' } },
  ),
  shape(
    'StopLimitOrderRequest',
    STOP_LIMIT_ACTIONS,
    ['symbol', 'volume', 'openPrice', 'stopLimitPrice'],
    {
      symbol,
      volume,
      openPrice: price('Stop price'),
      stopLimitPrice: price('Limit price placed when the stop price is reached'),
      stopLoss: level('Stop loss'),
      takeProfit: level('Take profit'),
      expiration,
      ...tags,
    },
    { actionType: 'ORDER_TYPE_BUY_STOP_LIMIT', symbol: 'EURUSD', volume: 0.01, openPrice: 1.3, stopLimitPrice: 1.29 },
  ),
  shape('PositionModifyRequest', ['POSITION_MODIFY'], ['positionId'], { positionId: ticket('The position'), stopLoss: level('Stop loss'), takeProfit: level('Take profit') }, {
    actionType: 'POSITION_MODIFY',
    positionId: '1000001',
    takeProfit: 1.2,
  }),
  shape('PositionPartialRequest', ['POSITION_PARTIAL'], ['positionId', 'volume'], { positionId: ticket('The position'), volume, ...executed }, {
    actionType: 'POSITION_PARTIAL',
    positionId: '1000001',
    volume: 0.01,
  }),
  shape('PositionCloseIdRequest', ['POSITION_CLOSE_ID'], ['positionId'], { positionId: ticket('The position'), ...executed }, {
    actionType: 'POSITION_CLOSE_ID',
    positionId: '1000001',
  }),
  shape('PositionsCloseSymbolRequest', ['POSITIONS_CLOSE_SYMBOL'], ['symbol'], { symbol, ...executed }, { actionType: 'POSITIONS_CLOSE_SYMBOL', symbol: 'EURUSD' }),
  shape(
    'OrderModifyRequest',
    ['ORDER_MODIFY'],
    ['orderId', 'openPrice'],
    {
      orderId: ticket('The pending order'),
      openPrice: price('New entry price'),
      stopLoss: level('Stop loss'),
      takeProfit: level('Take profit'),
      stopLimitPrice: price('New limit price of a stop-limit order'),
      expiration,
    },
    { actionType: 'ORDER_MODIFY', orderId: '1000002', openPrice: 1.04 },
  ),
  shape('OrderCancelRequest', ['ORDER_CANCEL'], ['orderId'], { orderId: ticket('The pending order') }, { actionType: 'ORDER_CANCEL', orderId: '1000002' }),
];

/** The MetatraderTrade body: one of the shapes, told apart by `actionType`. */
export const TRADE_REQUEST_SCHEMA: Schema = {
  description: `MetatraderTrade; actionType one of ${ACTION_TYPES.join(', ')}`,
  oneOf: TRADE_REQUEST_SHAPES,
};

/** The shapes' examples, for the docs' example picker. */
export const TRADE_REQUEST_EXAMPLES: Record<string, { summary: string; value: unknown }> = Object.fromEntries(
  TRADE_REQUEST_SHAPES.map((s) => [String(s.title), { summary: String(s.title), value: s.example }]),
);
