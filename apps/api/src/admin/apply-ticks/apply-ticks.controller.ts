import { Body, Controller, HttpCode, HttpStatus, Inject, Post, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { findInstrument, hasAtMostDigits, InvalidDecimalError, fixedOf, type PriceBoard, type Quote } from '../../../../../libs/domain/src/index.js';
import { badRequest } from '../../common/api-errors.js';
import { EngineGateway } from '../../common/engine-gateway.service.js';
import { PRICES } from '../../runtime.tokens.js';
import { AdminGuard } from '../admin.guard.js';
import { ApiAdmin, ApplyTicksDocs } from '../../openapi/v1-docs.js';

const TICK_FIELDS = new Set(['symbol', 'bid', 'ask']);
const MAX_TICKS = 10_000;

function parseTick(raw: unknown, index: number, time: number): Quote {
  const at = `tick ${index}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest(`${at}: expected {symbol, bid, ask}`);
  const unknown = Object.keys(raw).filter((k) => !TICK_FIELDS.has(k));
  if (unknown.length > 0) throw badRequest(`${at}: unknown field(s) ${unknown.join(', ')}`);
  const { symbol, bid, ask } = raw as Record<string, unknown>;
  const instrument = typeof symbol === 'string' ? findInstrument(symbol) : undefined;
  if (!instrument) throw badRequest(`${at}: unknown symbol ${JSON.stringify(symbol)}`);
  const price = (value: unknown, name: string) => {
    if (typeof value !== 'number' && typeof value !== 'string') throw badRequest(`${at}: ${name} must be a number`);
    try {
      const fixed = fixedOf(value);
      if (fixed <= 0n || !hasAtMostDigits(fixed, instrument.digits)) throw new InvalidDecimalError(String(value));
      return fixed;
    } catch (error) {
      if (error instanceof InvalidDecimalError) {
        throw badRequest(`${at}: ${name} must be a positive price with at most ${instrument.digits} decimals`);
      }
      throw error;
    }
  };
  const b = price(bid, 'bid');
  const a = price(ask, 'ask');
  if (a < b) throw badRequest(`${at}: ask must not be below bid`);
  return { symbol: instrument.symbol, bid: b, ask: a, time, feed: 'admin' };
}

@ApiAdmin()
@Controller('api/v1/admin')
@UseGuards(AdminGuard)
export class ApplyTicksController {
  constructor(
    private readonly gateway: EngineGateway,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  /**
   * Feeds prices to the engine. Answers once the engine applied every tick (fills, TP/SL) and the
   * read models show the result.
   */
  @ApplyTicksDocs()
  @Post('ticks')
  @HttpCode(HttpStatus.OK)
  async apply(@Body() body: unknown) {
    const time = Date.now();
    const list = Array.isArray(body) ? body : [body];
    if (list.length === 0 || list.length > MAX_TICKS) throw badRequest(`Send between 1 and ${MAX_TICKS} ticks`);
    const ticks = list.map((raw, i) => parseTick(raw, i, time));
    const correlationId = randomUUID();
    const replies = await Promise.all(
      ticks.map((tick) => this.gateway.execute({ type: 'ApplyTick', commandId: this.gateway.newCommandId(), tick }, correlationId)),
    );
    // The engines applied them: this instance shows them at once, whatever its price follower's delay.
    for (const tick of ticks) this.prices.update(tick);
    return { applied: replies.length };
  }
}
