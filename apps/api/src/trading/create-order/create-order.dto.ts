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

const FIELDS = new Set(['symbol', 'type', 'quantity', 'leverage', 'slippage', 'takeProfit', 'stopLoss', 'accountId', 'clientId', 'comment']);
const SYMBOLS = new Set(INSTRUMENTS.map((i) => i.symbol));
const absent = (value: unknown) => value === undefined || value === null;
const finiteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
/** `.length` counts a surrogate pair as two where MaxLength counts one: at most 26 here is at most 26 there. */
const shortText = (value: unknown) => absent(value) || (typeof value === 'string' && value.length <= 26);

/**
 * True only for a body the decorators above certainly accept, checked in a few comparisons (the
 * fast path of every order; see `withFastPath`). Anything else, valid or not, goes through the
 * full validation, which alone words the errors.
 */
export function isCertainlyValidCreateOrder(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return false;
  for (const key in body) if (!FIELDS.has(key)) return false;
  const b = body as Record<string, unknown>;
  return (
    typeof b.symbol === 'string' && SYMBOLS.has(b.symbol) &&
    (b.type === 'BUY' || b.type === 'SELL') &&
    finiteNumber(b.quantity) && b.quantity > 0 &&
    typeof b.leverage === 'number' && Number.isInteger(b.leverage) && b.leverage >= 1 && b.leverage <= 1000 &&
    (absent(b.slippage) || (finiteNumber(b.slippage) && b.slippage >= 0 && b.slippage <= 100)) &&
    (absent(b.takeProfit) || (finiteNumber(b.takeProfit) && b.takeProfit > 0)) &&
    (absent(b.stopLoss) || (finiteNumber(b.stopLoss) && b.stopLoss > 0)) &&
    (absent(b.accountId) || typeof b.accountId === 'number' || typeof b.accountId === 'string') &&
    shortText(b.clientId) &&
    shortText(b.comment)
  );
}
