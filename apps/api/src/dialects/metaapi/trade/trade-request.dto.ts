import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/**
 * MetaApi's MetatraderTrade body (seed 004), one class per shape of `actionType`. A field a shape
 * does not list is refused (400), never ignored.
 */

export const MARKET_ACTIONS = ['ORDER_TYPE_BUY', 'ORDER_TYPE_SELL'] as const;
export const PENDING_ACTIONS = ['ORDER_TYPE_BUY_LIMIT', 'ORDER_TYPE_SELL_LIMIT', 'ORDER_TYPE_BUY_STOP', 'ORDER_TYPE_SELL_STOP'] as const;
export const STOP_LIMIT_ACTIONS = ['ORDER_TYPE_BUY_STOP_LIMIT', 'ORDER_TYPE_SELL_STOP_LIMIT'] as const;
export const ACTION_TYPES = [
  ...MARKET_ACTIONS,
  ...PENDING_ACTIONS,
  ...STOP_LIMIT_ACTIONS,
  'POSITION_MODIFY',
  'POSITION_PARTIAL',
  'POSITION_CLOSE_ID',
  'POSITIONS_CLOSE_SYMBOL',
  'ORDER_MODIFY',
  'ORDER_CANCEL',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const FILLING_MODES = ['ORDER_FILLING_FOK', 'ORDER_FILLING_IOC', 'ORDER_FILLING_RETURN'] as const;
export type FillingMode = (typeof FILLING_MODES)[number];
export const EXPIRATION_TYPES = ['ORDER_TIME_GTC', 'ORDER_TIME_DAY', 'ORDER_TIME_SPECIFIED', 'ORDER_TIME_SPECIFIED_DAY'] as const;
export type ExpirationTypeName = (typeof EXPIRATION_TYPES)[number];

/** MetaApi: "The sum of the line lengths of the comment and the clientId must be less than or equal to 26". */
export const MAX_COMMENT_AND_CLIENT_ID = 26;

const finite = { allowNaN: false, allowInfinity: false } as const;
const TICKET = /^[0-9]{1,19}$/;

class TradeRequestBase {
  @IsIn(ACTION_TYPES)
  actionType!: ActionType;
}

/** comment, clientId and magic: the tags an order carries onto its position, history orders and deals. */
class TaggedRequest extends TradeRequestBase {
  @IsOptional()
  @IsString({ message: 'comment must be a string' })
  @MaxLength(MAX_COMMENT_AND_CLIENT_ID)
  comment?: string;

  @IsOptional()
  @IsString({ message: 'clientId must be a string' })
  @MaxLength(MAX_COMMENT_AND_CLIENT_ID)
  clientId?: string;

  @IsOptional()
  @IsInt({ message: 'magic must be a whole number' })
  @Min(0, { message: 'magic must not be negative' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'magic is too large' })
  magic?: number;

  /** Slippage in points (10^-digits of the symbol), ≥ 0. */
  @IsOptional()
  @IsInt({ message: 'slippage must be a whole number of points' })
  @Min(0, { message: 'slippage must be greater or equal to zero' })
  @Max(1_000_000_000, { message: 'slippage is too large' })
  slippage?: number;
}

/** Orders and closes that execute at market: they may list the filling modes they accept. */
class ExecutedRequest extends TaggedRequest {
  /**
   * Accepted filling modes in order of priority. Execution here is market execution of the whole
   * volume at once, which satisfies each of them; the list is validated, never needed to pick one.
   */
  @IsOptional()
  @IsArray({ message: 'fillingModes must be an array' })
  @ArrayMinSize(1, { message: 'fillingModes must list at least one filling mode' })
  @ArrayMaxSize(FILLING_MODES.length)
  @ArrayUnique({ message: 'fillingModes must not repeat a filling mode' })
  @IsIn(FILLING_MODES, { each: true, message: `fillingModes must contain only ${FILLING_MODES.join(', ')}` })
  fillingModes?: FillingMode[];
}

function SymbolField(): PropertyDecorator {
  return applyDecorators(
    IsDefined({ message: 'symbol is required' }),
    IsString({ message: 'symbol must be a string' }),
    Length(1, 32, { message: 'symbol must be 1 to 32 characters' }),
  );
}

function VolumeField(): PropertyDecorator {
  return applyDecorators(
    IsDefined({ message: 'volume is required' }),
    IsNumber(finite, { message: 'volume must be a number' }),
    IsPositive({ message: 'volume must be greater than 0' }),
  );
}

/** A price the order needs (entry, stop-limit): a number above 0. */
function PriceField(name: string): PropertyDecorator {
  return applyDecorators(
    IsDefined({ message: `${name} is required` }),
    IsNumber(finite, { message: `${name} must be a number` }),
    IsPositive({ message: `${name} must be greater than 0` }),
  );
}

/** A stop loss or take profit: a number ≥ 0; 0 (or null) means no level. */
function LevelField(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsNumber(finite, { message: `${name} must be a number` }),
    Min(0, { message: `${name} must not be negative` }),
  );
}

function TicketField(name: string): PropertyDecorator {
  return applyDecorators(
    IsDefined({ message: `${name} is required` }),
    IsString({ message: `${name} must be a string` }),
    Matches(TICKET, { message: `${name} must be a ticket number (a string of digits)` }),
  );
}

/** Pending order expiration settings. */
export class ExpirationRequest {
  @IsDefined({ message: 'type is required' })
  @IsIn(EXPIRATION_TYPES, { message: `type must be one of ${EXPIRATION_TYPES.join(', ')}` })
  type!: ExpirationTypeName;

  /** Used by ORDER_TIME_SPECIFIED and ORDER_TIME_SPECIFIED_DAY, ignored by the others. */
  @IsOptional()
  @IsString({ message: 'time must be an ISO-8601 date and time' })
  @IsISO8601({ strict: true }, { message: 'time must be an ISO-8601 date and time' })
  time?: string;
}

function ExpirationField(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsObject({ message: 'expiration must be an object {type, time?}' }),
    ValidateNested(),
    Type(() => ExpirationRequest),
  );
}

/** ORDER_TYPE_BUY, ORDER_TYPE_SELL. */
export class MarketOrderRequest extends ExecutedRequest {
  declare actionType: (typeof MARKET_ACTIONS)[number];
  @SymbolField() symbol!: string;
  @VolumeField() volume!: number;
  @LevelField('stopLoss') stopLoss?: number | null;
  @LevelField('takeProfit') takeProfit?: number | null;
}

/** ORDER_TYPE_BUY_LIMIT, ORDER_TYPE_SELL_LIMIT, ORDER_TYPE_BUY_STOP, ORDER_TYPE_SELL_STOP. */
export class PendingOrderRequest extends TaggedRequest {
  declare actionType: (typeof PENDING_ACTIONS)[number] | (typeof STOP_LIMIT_ACTIONS)[number];
  @SymbolField() symbol!: string;
  @VolumeField() volume!: number;
  @PriceField('openPrice') openPrice!: number;
  @LevelField('stopLoss') stopLoss?: number | null;
  @LevelField('takeProfit') takeProfit?: number | null;
  @ExpirationField() expiration?: ExpirationRequest;
}

/** ORDER_TYPE_BUY_STOP_LIMIT, ORDER_TYPE_SELL_STOP_LIMIT: a stop at openPrice that places a limit at stopLimitPrice. */
export class StopLimitOrderRequest extends PendingOrderRequest {
  declare actionType: (typeof STOP_LIMIT_ACTIONS)[number];
  @PriceField('stopLimitPrice') stopLimitPrice!: number;
}

/** POSITION_MODIFY: an absent level is kept, 0 (or null) removes it. */
export class PositionModifyRequest extends TradeRequestBase {
  declare actionType: 'POSITION_MODIFY';
  @TicketField('positionId') positionId!: string;
  @LevelField('stopLoss') stopLoss?: number | null;
  @LevelField('takeProfit') takeProfit?: number | null;
}

/** POSITION_PARTIAL. */
export class PositionPartialRequest extends ExecutedRequest {
  declare actionType: 'POSITION_PARTIAL';
  @TicketField('positionId') positionId!: string;
  @VolumeField() volume!: number;
}

/** POSITION_CLOSE_ID. */
export class PositionCloseIdRequest extends ExecutedRequest {
  declare actionType: 'POSITION_CLOSE_ID';
  @TicketField('positionId') positionId!: string;
}

/** POSITIONS_CLOSE_SYMBOL. */
export class PositionsCloseSymbolRequest extends ExecutedRequest {
  declare actionType: 'POSITIONS_CLOSE_SYMBOL';
  @SymbolField() symbol!: string;
}

/**
 * ORDER_MODIFY: a new entry price (required); an absent level is kept, 0 (or null) removes it. A
 * stop-limit keeps its stopLimitPrice and every order its lifetime unless they are given.
 */
export class OrderModifyRequest extends TradeRequestBase {
  declare actionType: 'ORDER_MODIFY';
  @TicketField('orderId') orderId!: string;
  @PriceField('openPrice') openPrice!: number;
  @LevelField('stopLoss') stopLoss?: number | null;
  @LevelField('takeProfit') takeProfit?: number | null;
  @IsOptional()
  @IsNumber(finite, { message: 'stopLimitPrice must be a number' })
  @IsPositive({ message: 'stopLimitPrice must be greater than 0' })
  stopLimitPrice?: number;
  @ExpirationField() expiration?: ExpirationRequest;
}

/** ORDER_CANCEL. */
export class OrderCancelRequest extends TradeRequestBase {
  declare actionType: 'ORDER_CANCEL';
  @TicketField('orderId') orderId!: string;
}

export type TradeRequest =
  | MarketOrderRequest
  | PendingOrderRequest
  | StopLimitOrderRequest
  | PositionModifyRequest
  | PositionPartialRequest
  | PositionCloseIdRequest
  | PositionsCloseSymbolRequest
  | OrderModifyRequest
  | OrderCancelRequest;

/** The DTO class of each actionType. */
export const REQUEST_CLASS: Record<ActionType, new () => TradeRequest> = {
  ORDER_TYPE_BUY: MarketOrderRequest,
  ORDER_TYPE_SELL: MarketOrderRequest,
  ORDER_TYPE_BUY_LIMIT: PendingOrderRequest,
  ORDER_TYPE_SELL_LIMIT: PendingOrderRequest,
  ORDER_TYPE_BUY_STOP: PendingOrderRequest,
  ORDER_TYPE_SELL_STOP: PendingOrderRequest,
  ORDER_TYPE_BUY_STOP_LIMIT: StopLimitOrderRequest,
  ORDER_TYPE_SELL_STOP_LIMIT: StopLimitOrderRequest,
  POSITION_MODIFY: PositionModifyRequest,
  POSITION_PARTIAL: PositionPartialRequest,
  POSITION_CLOSE_ID: PositionCloseIdRequest,
  POSITIONS_CLOSE_SYMBOL: PositionsCloseSymbolRequest,
  ORDER_MODIFY: OrderModifyRequest,
  ORDER_CANCEL: OrderCancelRequest,
};
