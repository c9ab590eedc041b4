import { Controller, Get, Inject } from '@nestjs/common';
import { fixedToNumber, INSTRUMENTS, type PriceBoard } from '../../../../libs/domain/src/index.js';
import { priceNumber } from '../common/render.js';
import { PRICES } from '../runtime.tokens.js';
import { PricesDocs, SymbolsDocs } from '../openapi/v1-docs.js';

@Controller('api/v1')
export class MarketController {
  constructor(@Inject(PRICES) private readonly prices: PriceBoard) {}

  @SymbolsDocs()
  @Get('symbols')
  symbols() {
    return {
      symbols: INSTRUMENTS.map((i) => ({
        symbol: i.symbol,
        description: i.description,
        category: i.category,
        baseCurrency: i.base,
        quoteCurrency: i.quote,
        digits: i.digits,
        contractSize: Number(i.contractSize),
        volumeMin: fixedToNumber(i.volumeMin, 8),
        volumeStep: fixedToNumber(i.volumeStep, 8),
        volumeMax: fixedToNumber(i.volumeMax, 8),
        maxLeverage: i.maxLeverage,
      })),
    };
  }

  @PricesDocs()
  @Get('prices')
  latest() {
    return {
      prices: this.prices.all().map((q) => ({
        symbol: q.symbol,
        bid: priceNumber(q.symbol, q.bid),
        ask: priceNumber(q.symbol, q.ask),
        time: new Date(q.time).toISOString(),
      })),
    };
  }
}
