import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { INSTRUMENTS } from '../../../../../../libs/domain/src/index.js';

const finite = { allowNaN: false, allowInfinity: false } as const;

/** MT4 trade commands, by `cmd` number. */
export const MT4_COMMANDS = ['BUY', 'SELL', 'BUY_LIMIT', 'SELL_LIMIT', 'BUY_STOP', 'SELL_STOP'] as const;
export type Mt4Command = (typeof MT4_COMMANDS)[number];

const CMD_MESSAGE = 'cmd must be 0 (BUY), 1 (SELL), 2 (BUY_LIMIT), 3 (SELL_LIMIT), 4 (BUY_STOP) or 5 (SELL_STOP)';

/** The longest comment: MetaTrader keeps comment and client tag within 26 characters. */
export const MT4_COMMENT_MAX = 26;

/** Seed 001's OpenTrade body. JSON types are checked as the seed states them (no coercion). */
export class OpenTradeDto {
  @ApiProperty({ type: 'integer', example: 1001, description: 'The account login (account id) to trade on' })
  @IsDefined({ message: 'login is required' })
  @IsInt({ message: 'login must be an integer' })
  @Min(1, { message: 'login must be a positive integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'login must be a positive integer' })
  login!: number;

  @ApiProperty({ type: 'integer', enum: [0, 1, 2, 3, 4, 5], example: 0, description: '0 BUY, 1 SELL, 2 BUY_LIMIT, 3 SELL_LIMIT, 4 BUY_STOP, 5 SELL_STOP' })
  @IsDefined({ message: 'cmd is required' })
  @IsInt({ message: CMD_MESSAGE })
  @IsIn([0, 1, 2, 3, 4, 5], { message: CMD_MESSAGE })
  cmd!: number;

  @ApiProperty({ type: 'integer', minimum: 1, example: 100, description: 'Volume in 1/100 lots (100 = 1 lot), within the instrument’s 0.01–100 lots (1–10000)' })
  @IsDefined({ message: 'volume is required' })
  @IsInt({ message: 'volume must be an integer number of 1/100 lots' })
  @Min(1, { message: 'volume must be at least 1 (0.01 lot)' })
  @Max(1_000_000_000, { message: 'volume is out of range' })
  volume!: number;

  @ApiProperty({ example: 'EURUSD', enum: INSTRUMENTS.map((i) => i.symbol) })
  @IsDefined({ message: 'symbol is required' })
  @IsIn(INSTRUMENTS.map((i) => i.symbol), { message: 'symbol must be one of the listed instruments (GET /api/v1/symbols)' })
  symbol!: string;

  @ApiProperty({ type: 'number', format: 'double', minimum: 0, example: 1.085, description: 'Stop loss price; 0 for none' })
  @IsDefined({ message: 'sl is required (0 for none)' })
  @IsNumber(finite, { message: 'sl must be a number' })
  @Min(0, { message: 'sl must be >= 0' })
  sl!: number;

  @ApiProperty({ type: 'number', format: 'double', minimum: 0, example: 1.1, description: 'Take profit price; 0 for none' })
  @IsDefined({ message: 'tp is required (0 for none)' })
  @IsNumber(finite, { message: 'tp must be a number' })
  @Min(0, { message: 'tp must be >= 0' })
  tp!: number;

  @ApiPropertyOptional({ example: 1.09, description: 'Entry price of a pending order (cmd 2–5, required there); a market order fills at the current price' })
  @IsOptional()
  @IsNumber(finite, { message: 'open_price must be a number' })
  @Min(0, { message: 'open_price must be >= 0' })
  open_price?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', example: 1772533800, description: 'Open time (epoch seconds); accepted and ignored: the engine’s clock stamps every event' })
  @IsOptional()
  @IsInt({ message: 'open_time must be an integer (epoch seconds)' })
  @Min(0, { message: 'open_time must be >= 0' })
  open_time?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', example: 1772620200, description: 'Pending orders: expiry time (epoch seconds), 0 or absent for good-till-cancelled' })
  @IsOptional()
  @IsInt({ message: 'expiration must be an integer (epoch seconds)' })
  @Min(0, { message: 'expiration must be >= 0' })
  expiration?: number;

  @ApiPropertyOptional({ example: 'Scalping order', maxLength: MT4_COMMENT_MAX })
  @IsOptional()
  @IsString({ message: 'comment must be a string' })
  @MaxLength(MT4_COMMENT_MAX, { message: `comment must be at most ${MT4_COMMENT_MAX} characters` })
  comment?: string;
}

export class OpenTradeResponseDto {
  @ApiProperty({ example: 'OK' })
  data!: 'OK';

  @ApiProperty({ type: 'integer', example: 1000001, description: 'The new ticket: the position of a market order, or the pending order' })
  order!: number;
}
