import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDecimalValue, IsPositiveDecimal } from '../trading-pairs.js';

export const TRADE_TYPES = ['BUY', 'SELL'] as const;
export const ORDER_TYPES = ['LIMIT', 'MARKET', 'LIMIT_MAKER'] as const;
export const POSITION_ACTIONS = ['OPEN', 'CLOSE'] as const;

/** Seed 003's request model for placing trades (hummingbot-api `TradeRequest`). */
export class PlaceTradeDto {
  @ApiProperty({ description: 'Name of the account to trade with (one of yours: `Main` is the first)', example: 'Main' })
  @IsDefined()
  @IsString()
  @MaxLength(64, { message: 'String should have at most 64 characters' })
  account_name!: string;

  @ApiProperty({ description: 'Name of the connector/exchange: `tradestream`', example: 'tradestream' })
  @IsDefined()
  @IsString()
  @MaxLength(64, { message: 'String should have at most 64 characters' })
  connector_name!: string;

  @ApiProperty({ description: 'Trading pair (e.g., BTC-USD ↔ BTCUSD, EUR-USD ↔ EURUSD)', example: 'BTC-USD' })
  @IsDefined()
  @IsString()
  @MaxLength(32, { message: 'String should have at most 32 characters' })
  trading_pair!: string;

  @ApiProperty({ enum: TRADE_TYPES, description: 'Whether to buy or sell', example: 'BUY' })
  @IsDefined()
  @IsIn(TRADE_TYPES, { message: "Input should be 'BUY' or 'SELL'" })
  trade_type!: (typeof TRADE_TYPES)[number];

  @ApiProperty({
    description: 'Amount to trade, in base units (BTC for BTC-USD, EUR for EUR-USD): a whole number of 0.01-lot steps (1 lot = 1 BTC, 100000 EUR, 100 XAU)',
    example: 0.5,
    oneOf: [{ type: 'number' }, { type: 'string', pattern: '^\\d+(\\.\\d+)?$' }],
    exclusiveMinimum: true,
    minimum: 0,
  })
  @IsDefined()
  @IsDecimalValue()
  @IsPositiveDecimal()
  amount!: number | string;

  @ApiPropertyOptional({ enum: ORDER_TYPES, default: 'LIMIT', description: 'Type of order', example: 'MARKET' })
  @IsOptional()
  @IsIn(ORDER_TYPES, { message: "Input should be 'LIMIT', 'MARKET' or 'LIMIT_MAKER'" })
  order_type?: (typeof ORDER_TYPES)[number];

  @ApiPropertyOptional({ description: 'Price for limit orders', example: 42000, nullable: true, oneOf: [{ type: 'number' }, { type: 'string' }] })
  @IsOptional()
  @IsDecimalValue()
  price?: number | string | null;

  @ApiPropertyOptional({ enum: POSITION_ACTIONS, default: 'OPEN', description: 'Position action for perpetual contracts (OPEN/CLOSE)', example: 'OPEN' })
  @IsOptional()
  @IsIn(POSITION_ACTIONS, { message: "Input should be 'OPEN' or 'CLOSE'" })
  position_action?: (typeof POSITION_ACTIONS)[number];
}

const DECIMAL_PATTERN = '^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$';

/** Seed 003's response model for trade execution (hummingbot-api `TradeResponse`). */
export class TradeResponseDto {
  @ApiProperty({ description: 'Client order ID assigned by the connector: the order’s ticket, digits', example: '1000001' })
  order_id!: string;

  @ApiProperty({ description: 'Account used for the trade', example: 'Main' })
  account_name!: string;

  @ApiProperty({ description: 'Connector used for the trade', example: 'tradestream' })
  connector_name!: string;

  @ApiProperty({ description: 'Trading pair', example: 'BTC-USD' })
  trading_pair!: string;

  @ApiProperty({ description: 'Trade type', example: 'BUY' })
  trade_type!: string;

  @ApiProperty({ description: 'Trade amount (base units)', example: '0.5', pattern: DECIMAL_PATTERN })
  amount!: string;

  @ApiProperty({ description: 'Order type', example: 'MARKET' })
  order_type!: string;

  @ApiProperty({ description: 'Order price: the fill price of a MARKET order, the limit price otherwise', example: '42000.00', nullable: true, type: String, pattern: DECIMAL_PATTERN })
  price!: string | null;

  @ApiProperty({ description: 'Order status', example: 'submitted', default: 'submitted' })
  status!: 'submitted';
}
