import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { hbFieldError } from './hummingbot-errors.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** hummingbot-api's filter bodies (PositionFilterRequest, ActiveOrderFilterRequest): all optional. */
export class ListFilterDto {
  @ApiPropertyOptional({ type: [String], description: 'Account names to filter by', example: ['Main'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  account_names?: string[] | null;

  @ApiPropertyOptional({ type: [String], description: 'Connector names to filter by', example: ['tradestream'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  connector_names?: string[] | null;

  @ApiPropertyOptional({ type: [String], description: 'Trading pairs to filter by', example: ['BTC-USD'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  trading_pairs?: string[] | null;

  @ApiPropertyOptional({ description: 'Items per page', default: DEFAULT_LIMIT, minimum: 1, maximum: MAX_LIMIT })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'Input should be greater than or equal to 1' })
  @Max(MAX_LIMIT, { message: `Input should be less than or equal to ${MAX_LIMIT}` })
  limit?: number | null;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string | null;
}

export interface ListFilter {
  accountNames: string[] | null;
  connectorNames: string[] | null;
  tradingPairs: string[] | null;
  limit: number;
  cursor: string | null;
}

export function filterOfBody(body: ListFilterDto): ListFilter {
  return {
    accountNames: body.account_names ?? null,
    connectorNames: body.connector_names ?? null,
    tradingPairs: body.trading_pairs ?? null,
    limit: body.limit ?? DEFAULT_LIMIT,
    cursor: body.cursor ?? null,
  };
}

type Query = Record<string, string | string[] | undefined>;

/** The GET form: `?account_names=Main&trading_pairs=BTC-USD,ETH-USD&limit=50&cursor=…` (repeated or comma-separated). */
export function filterOfQuery(query: Query): ListFilter {
  const list = (...names: string[]) => {
    const values = names.flatMap((n) => [query[n] ?? []].flat()).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    return values.length ? values : null;
  };
  const limitText = [query.limit].flat()[0];
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw hbFieldError('limit', `limit must be an integer from 1 to ${MAX_LIMIT}`, limitText);
  return {
    accountNames: list('account_names', 'account_name'),
    connectorNames: list('connector_names', 'connector_name'),
    tradingPairs: list('trading_pairs', 'trading_pair'),
    limit,
    cursor: [query.cursor].flat()[0] ?? null,
  };
}

export interface Page<T> {
  data: T[];
  pagination: { limit: number; has_more: boolean; next_cursor: string | null; total_count: number };
}

/** hummingbot-api's cursor pagination: rows after the one whose cursor is given. */
export function paginate<T>(rows: T[], cursorOf: (row: T) => string, filter: ListFilter): Page<T> {
  let start = 0;
  if (filter.cursor !== null) {
    const at = rows.findIndex((row) => cursorOf(row) === filter.cursor);
    start = at + 1;
  }
  const page = rows.slice(start, start + filter.limit);
  const hasMore = start + filter.limit < rows.length;
  return {
    data: page,
    pagination: { limit: filter.limit, has_more: hasMore, next_cursor: hasMore && page.length ? cursorOf(page.at(-1)!) : null, total_count: rows.length },
  };
}
