import { Controller, Get, HttpStatus, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { CandleReader } from '../../../../libs/market-data/src/index.js';
import { ApiError, badRequest } from '../common/api-errors.js';
import { CANDLES } from '../runtime.tokens.js';
import { CandleQueryError, parseApiCandleQuery, renderApiCandle } from './candle-query.js';

/** `GET /api/v1/candles`: bars built from bid prices by the candle projection (API.md, market data). */
@ApiTags('Market data')
@Controller('api/v1')
export class CandlesController {
  constructor(@Inject(CANDLES) private readonly candles: CandleReader | null) {}

  @Get('candles')
  @ApiOperation({ summary: 'OHLC bars of bid prices, oldest first (intervals without ticks are absent)' })
  @ApiQuery({ name: 'symbol', required: true, example: 'BTCUSD' })
  @ApiQuery({ name: 'interval', required: false, enum: ['1m', '5m', '15m', '1h', '1d'] })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601; bars whose start is at or after it' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601, default now; bars whose start is at or before it' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000 (default 1000)' })
  async list(@Query() params: Record<string, unknown>) {
    let request;
    try {
      request = parseApiCandleQuery(params, Date.now());
    } catch (error) {
      if (error instanceof CandleQueryError) throw badRequest(error.message);
      throw error;
    }
    if (!this.candles) throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'Candles are not available in this deployment');
    const { instrument, query } = request;
    const bars = await this.candles.candles(query);
    return { symbol: instrument.symbol, interval: query.interval, candles: bars.map((c) => renderApiCandle(c, instrument)) };
  }
}
