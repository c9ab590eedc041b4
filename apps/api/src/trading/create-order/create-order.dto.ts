import { IsDefined, IsIn, IsInt, IsNumber, IsOptional, IsPositive, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { INSTRUMENTS } from '../../../../../libs/domain/src/index.js';

const finite = { allowNaN: false, allowInfinity: false } as const;

export const CREATE_ORDER_REQUIRED = ['symbol', 'type', 'quantity', 'leverage'] as const;

/** Seed 000's body. Optional price levels are null or numbers; anything else is refused. */
export class CreateOrderDto {
  @IsDefined()
  @IsIn(INSTRUMENTS.map((i) => i.symbol), { message: 'symbol must be one of the listed instruments (GET /api/v1/symbols)' })
  symbol!: string;

  @IsDefined()
  @IsIn(['BUY', 'SELL'], { message: 'type must be BUY or SELL' })
  type!: 'BUY' | 'SELL';

  @IsDefined()
  @IsNumber(finite, { message: 'quantity must be a number' })
  @IsPositive({ message: 'quantity must be greater than 0' })
  quantity!: number;

  @IsDefined()
  @IsInt({ message: 'leverage must be a whole number' })
  @Min(1, { message: 'leverage must be at least 1' })
  @Max(1000, { message: 'leverage must be at most 1000' })
  leverage!: number;

  @IsOptional()
  @IsNumber(finite, { message: 'slippage must be a number (percent)' })
  @Min(0, { message: 'slippage must not be negative' })
  @Max(100, { message: 'slippage must be at most 100 (percent)' })
  slippage?: number | null;

  @IsOptional()
  @IsNumber(finite, { message: 'takeProfit must be a number' })
  @IsPositive({ message: 'takeProfit must be greater than 0' })
  takeProfit?: number | null;

  @IsOptional()
  @IsNumber(finite, { message: 'stopLoss must be a number' })
  @IsPositive({ message: 'stopLoss must be greater than 0' })
  stopLoss?: number | null;

  @IsOptional()
  @ValidateIf((o: CreateOrderDto) => typeof o.accountId !== 'number')
  @IsString({ message: 'accountId must be an account id' })
  accountId?: string | number;

  @IsOptional()
  @IsString()
  @MaxLength(26)
  clientId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(26)
  comment?: string;
}
