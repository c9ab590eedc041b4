import { Controller, Get, HttpStatus, Inject, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { CandleReader } from '../../../../../libs/market-data/src/index.js';
import { CredentialsGuard } from '../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../auth/principal.js';
// MetaApi's error shape and account lookup, shared with the dialect's other routes.
import { MetaApiAccounts } from '../../dialects/metaapi/common/metaapi-accounts.js';
import { invalidParameter, MetaApiError, notFound } from '../../dialects/metaapi/common/metaapi-error.js';
import { MetaApiExceptionFilter } from '../../dialects/metaapi/common/metaapi-exception.filter.js';
import { CANDLES } from '../../runtime.tokens.js';
import { CandleQueryError } from '../candle-query.js';
import { historicalCandles, UnknownSymbolError, type MetatraderCandle } from './metaapi-candles.js';

/**
 * MetaApi's "read historical candles" in that dialect's shape:
 * `GET /users/current/accounts/:accountId/historical-market-data/symbols/:symbol/timeframes/:timeframe/candles?startTime=&limit=`.
 * The caller must own the account (another user's answers 404, like one that does not exist).
 */
@ApiTags('MetaApi')
@ApiHeader({ name: 'auth-token', required: true })
@Controller('users/current/accounts/:accountId/historical-market-data')
@UseGuards(CredentialsGuard)
@UseFilters(MetaApiExceptionFilter)
export class MetaApiCandlesController {
  constructor(
    private readonly accounts: MetaApiAccounts,
    @Inject(CANDLES) private readonly candles: CandleReader | null,
  ) {}

  @Get('symbols/:symbol/timeframes/:timeframe/candles')
  @ApiOperation({ summary: 'Historical candles (MetatraderCandle), the latest `limit` up to `startTime`, oldest first' })
  @ApiQuery({ name: 'startTime', required: false, description: 'ISO-8601; candles are loaded backwards from it (default now)' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000 (default 1000)' })
  async read(
    @CurrentUser() user: Principal,
    @Param('accountId') accountId: string,
    @Param('symbol') symbol: string,
    @Param('timeframe') timeframe: string,
    @Query('startTime') startTime: unknown,
    @Query('limit') limit: unknown,
  ): Promise<MetatraderCandle[]> {
    await this.accounts.resolve(user, accountId);
    if (!this.candles) throw new MetaApiError(HttpStatus.SERVICE_UNAVAILABLE, 'ServiceUnavailableError', 'Historical market data is not available in this deployment');
    try {
      return await historicalCandles(this.candles, { symbol, timeframe, startTime, limit }, Date.now());
    } catch (error) {
      if (error instanceof CandleQueryError) throw invalidParameter(error.parameter ?? 'query', error.value, error.message);
      if (error instanceof UnknownSymbolError) throw notFound(error.message);
      throw error;
    }
  }
}
