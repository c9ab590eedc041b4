import { Controller, Get, Inject, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { findInstrument, type PriceBoard } from '../../../../../../libs/domain/src/index.js';
import { CredentialsGuard } from '../../../auth/credentials.guard.js';
import { CurrentUser, type Principal } from '../../../auth/principal.js';
import { PRICES } from '../../../runtime.tokens.js';
import { MetaApiAccounts } from '../common/metaapi-accounts.js';
import { notFound } from '../common/metaapi-error.js';
import { MetaApiExceptionFilter } from '../common/metaapi-exception.filter.js';
import { brokerTime, compact, price, tickValue } from '../common/metaapi-render.js';

@ApiTags('MetaApi')
@ApiHeader({ name: 'auth-token', required: true })
@Controller('users/current/accounts/:accountId')
@UseGuards(CredentialsGuard)
@UseFilters(MetaApiExceptionFilter)
export class MetaApiCurrentPriceController {
  constructor(
    private readonly accounts: MetaApiAccounts,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  /**
   * MetatraderSymbolPrice: the latest quote. profitTickValue and lossTickValue are what one point is
   * worth for one lot in the account currency (converted at the mid price, as profits are).
   */
  @ApiOperation({ summary: 'Current price of a symbol (MetatraderSymbolPrice); 404 for an unknown symbol or one with no price yet' })
  @Get('symbols/:symbol/current-price')
  async get(@CurrentUser() user: Principal, @Param('accountId') accountId: string, @Param('symbol') symbol: string) {
    await this.accounts.resolve(user, accountId);
    const instrument = findInstrument(symbol);
    if (!instrument) throw notFound(`Symbol ${symbol.slice(0, 32)} not found`);
    const quote = this.prices.quote(instrument.symbol);
    if (!quote) throw notFound(`No price for ${instrument.symbol} yet`);
    const time = new Date(quote.time).toISOString();
    const tick = tickValue(instrument, this.prices);
    return compact({
      symbol: instrument.symbol,
      bid: price(instrument.symbol, quote.bid),
      ask: price(instrument.symbol, quote.ask),
      profitTickValue: tick,
      lossTickValue: tick,
      accountCurrencyExchangeRate: 1,
      time,
      brokerTime: brokerTime(time),
    });
  }
}
