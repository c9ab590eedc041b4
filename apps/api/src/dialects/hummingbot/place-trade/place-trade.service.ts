import { Inject, Injectable } from '@nestjs/common';
import {
  fixedToString,
  hasAtMostDigits,
  isSuccess,
  resultCodeNumber,
  type EngineCommand,
  type Fixed,
  type Instrument,
  type Outcome,
  type PriceBoard,
  type Side,
} from '../../../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../../../libs/read-models/src/read-model-store.port.js';
import type { AccountView } from '../../../../../../libs/read-models/src/views.js';
import type { Principal } from '../../../auth/principal.js';
import { EngineGateway } from '../../../common/engine-gateway.service.js';
import { PRICES, READ_MODELS } from '../../../runtime.tokens.js';
import { HummingbotAccountsService } from '../hummingbot-accounts.service.js';
import { hbBadRequest, hbFieldError } from '../hummingbot-errors.js';
import { amountText, baseOf, CONNECTOR_NAME, decimalOf, instrumentOfPair, lotsOf, pairOf, priceText, TRADING_PAIRS } from '../trading-pairs.js';
import type { PlaceTradeDto, TradeResponseDto } from './place-trade.dto.js';

type OrderType = NonNullable<PlaceTradeDto['order_type']>;

/** What the engine did: the ticket the answer names and the price it reports. */
interface Placed {
  orderId: number;
  price: Fixed | string | null;
}

interface Request {
  account: AccountView;
  instrument: Instrument;
  side: Side;
  lots: Fixed;
  orderType: OrderType;
  limit: Fixed | null;
  correlationId: string;
  deadline: number;
}

const opposite = (side: Side): Side => (side === 'BUY' ? 'SELL' : 'BUY');

export function rejection(outcome: Outcome): string {
  const reason = outcome.reason ? ` [${outcome.reason}]` : '';
  return `Trade rejected: ${outcome.code} (${resultCodeNumber(outcome.code)})${reason}: ${outcome.message}`;
}

/**
 * Seed 003's Place Trade over the engine's commands.
 *
 * - MARKET fills now (PlaceOrder).
 * - LIMIT rests as a BUY_LIMIT / SELL_LIMIT pending order until the market reaches its price; one
 *   that is marketable when it arrives (a BUY at or above the ask, a SELL at or below the bid) fills
 *   at once as a market order that may not fill beyond the limit (PlaceOrder with its price bound).
 * - LIMIT_MAKER always rests; one that would fill at once is rejected (the engine refuses a limit
 *   entry on the wrong side of the market, atomically with the price it decides on).
 * - position_action CLOSE reduces the pair's open positions of the opposite side by `amount`,
 *   oldest first, closing part of the last one as needed. It fills now: MARKET, or a LIMIT the market
 *   already satisfies (resting close orders are not supported); LIMIT_MAKER cannot close.
 */
@Injectable()
export class PlaceTradeService {
  constructor(
    private readonly gateway: EngineGateway,
    @Inject(HummingbotAccountsService) private readonly accounts: HummingbotAccountsService,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    @Inject(PRICES) private readonly prices: PriceBoard,
  ) {}

  async place(principal: Principal, body: PlaceTradeDto, requestId: string, receivedAt: number): Promise<TradeResponseDto> {
    const account = await this.accounts.resolve(principal, body.account_name, body.connector_name);
    const instrument = instrumentOfPair(body.trading_pair);
    if (!instrument) {
      throw hbFieldError('trading_pair', `unknown trading pair '${body.trading_pair}'; ${CONNECTOR_NAME} trades ${TRADING_PAIRS.join(', ')}`, body.trading_pair);
    }
    const amount = decimalOf(body.amount);
    const lots = lotsOf(amount, instrument);
    const stepBase = `${amountText(baseOf(instrument.volumeStep, instrument))} ${instrument.base}`;
    if (lots === undefined || lots % instrument.volumeStep !== 0n) {
      throw hbFieldError('amount', `amount must be a whole number of ${stepBase} steps (0.01 lot of ${instrument.symbol})`, body.amount);
    }
    if (lots < instrument.volumeMin || lots > instrument.volumeMax) {
      const range = `${amountText(baseOf(instrument.volumeMin, instrument))} to ${amountText(baseOf(instrument.volumeMax, instrument))} ${instrument.base}`;
      throw hbFieldError('amount', `amount must be from ${range} for ${pairOf(instrument)}`, body.amount);
    }
    const orderType = body.order_type ?? 'LIMIT';
    let limit: Fixed | null = null;
    if (body.price !== undefined && body.price !== null) {
      limit = decimalOf(body.price);
      if (limit <= 0n || !hasAtMostDigits(limit, instrument.digits)) {
        throw hbFieldError('price', `price must be greater than 0 with at most ${instrument.digits} decimals for ${pairOf(instrument)}`, body.price);
      }
    }
    if (orderType !== 'MARKET' && limit === null) throw hbFieldError('price', `price is required for ${orderType} orders`);

    const request: Request = {
      account,
      instrument,
      side: body.trade_type,
      lots,
      orderType,
      limit: orderType === 'MARKET' ? null : limit,
      correlationId: requestId,
      deadline: this.gateway.deadline(receivedAt),
    };
    const placed = (body.position_action ?? 'OPEN') === 'OPEN' ? await this.open(principal, request) : await this.close(principal, request);
    return {
      order_id: String(placed.orderId),
      account_name: account.name,
      connector_name: CONNECTOR_NAME,
      trading_pair: pairOf(instrument),
      trade_type: body.trade_type,
      amount: amountText(amount),
      order_type: orderType,
      price: placed.price === null ? null : priceText(instrument, placed.price),
      status: 'submitted',
    };
  }

  private async open(principal: Principal, r: Request): Promise<Placed> {
    const common = {
      commandId: this.gateway.newCommandId(),
      userId: principal.userId,
      accountId: r.account.accountId,
      symbol: r.instrument.symbol,
      volume: fixedToString(r.lots),
      leverage: null,
      takeProfit: null,
      stopLoss: null,
      clientId: null,
      comment: null,
      magic: null,
      deadline: r.deadline,
    };
    if (r.limit === null) {
      const outcome = await this.execute({ type: 'PlaceOrder', ...common, side: r.side, slippage: null }, r.correlationId);
      return { orderId: outcome.orderId!, price: outcome.price ?? null };
    }
    const limit = r.limit;
    const quote = this.prices.quote(r.instrument.symbol);
    const touch = quote && (r.side === 'BUY' ? quote.ask : quote.bid);
    const marketable = touch !== undefined && (r.side === 'BUY' ? touch <= limit : touch >= limit);
    if (marketable && r.orderType === 'LIMIT_MAKER') throw hbBadRequest(this.makerWouldTake(r, touch));
    if (marketable) {
      // Fills now, but never beyond the limit: the quoted touch may move by at most its distance to the limit.
      const slippage = { quotedPrice: fixedToString(touch), maxDeviation: fixedToString(r.side === 'BUY' ? limit - touch : touch - limit) };
      const outcome = await this.execute({ type: 'PlaceOrder', ...common, side: r.side, slippage }, r.correlationId);
      return { orderId: outcome.orderId!, price: limit };
    }
    const outcome = await this.execute(
      {
        type: 'PlacePendingOrder',
        ...common,
        orderType: r.side === 'BUY' ? 'BUY_LIMIT' : 'SELL_LIMIT',
        price: fixedToString(limit),
        stopLimitPrice: null,
        expiration: { type: 'GTC', time: null },
      },
      r.correlationId,
      (o) => (o.reason === 'ENTRY_ON_WRONG_SIDE_OF_MARKET' && r.orderType === 'LIMIT_MAKER' ? this.makerWouldTake(r) : undefined),
    );
    return { orderId: outcome.orderId!, price: limit };
  }

  private async close(principal: Principal, r: Request): Promise<Placed> {
    const pair = pairOf(r.instrument);
    const closing = opposite(r.side);
    if (r.orderType === 'LIMIT_MAKER') {
      throw hbBadRequest('LIMIT_MAKER cannot close a position: a maker order never fills at once, and resting close orders are not supported');
    }
    const positions = (await this.readModels.openOrders(r.account.accountId))
      .filter((p) => p.symbol === r.instrument.symbol && p.side === closing)
      .sort((a, b) => a.openTime.localeCompare(b.openTime) || a.orderId - b.orderId);
    if (positions.length === 0) throw hbBadRequest(`No open ${closing} position on ${pair} to close`);
    const open = positions.reduce((sum, p) => sum + decimalOf(p.volume), 0n);
    if (r.lots > open) {
      throw hbBadRequest(
        `amount ${amountText(baseOf(r.lots, r.instrument))} exceeds the open ${closing} position on ${pair} (${amountText(baseOf(open, r.instrument))} ${r.instrument.base})`,
      );
    }
    if (r.limit !== null) {
      // Closing BUY positions sells at the bid; closing SELL positions buys at the ask.
      const quote = this.prices.quote(r.instrument.symbol);
      const touch = quote && (r.side === 'BUY' ? quote.ask : quote.bid);
      const satisfied = touch !== undefined && (r.side === 'BUY' ? touch <= r.limit : touch >= r.limit);
      if (!satisfied) {
        throw hbBadRequest(
          `A LIMIT CLOSE fills only at once and the market does not reach ${priceText(r.instrument, r.limit)} ` +
            `(${r.side === 'BUY' ? 'ask' : 'bid'} ${touch === undefined ? 'unknown' : priceText(r.instrument, touch)}); resting close orders are not supported`,
        );
      }
    }
    let remaining = r.lots;
    const closed: { orderId: number; volume: Fixed }[] = [];
    let first: Placed | undefined;
    for (const position of positions) {
      if (remaining === 0n) break;
      const held = decimalOf(position.volume);
      const volume = remaining < held ? remaining : held;
      const outcome = await this.execute(
        {
          type: 'ClosePosition',
          commandId: this.gateway.newCommandId(),
          userId: principal.userId,
          accountId: r.account.accountId,
          orderId: position.orderId,
          volume: volume === held ? null : fixedToString(volume),
          clientId: null,
          comment: null,
          deadline: r.deadline,
        },
        r.correlationId,
        (o) => {
          if (closed.length === 0) return undefined;
          const done = closed.map((c) => `${c.orderId} (${amountText(baseOf(c.volume, r.instrument))} ${r.instrument.base})`).join(', ');
          return `Partially closed: ${done}; then position ${position.orderId}: ${rejection(o)}`;
        },
      );
      closed.push({ orderId: position.orderId, volume });
      first ??= { orderId: position.orderId, price: r.limit ?? outcome.price ?? null };
      remaining -= volume;
    }
    return first!;
  }

  private makerWouldTake(r: Request, touch?: Fixed): string {
    const side = r.side === 'BUY' ? 'ask' : 'bid';
    const where = touch === undefined ? `the ${side}` : `the ${side} ${priceText(r.instrument, touch)}`;
    return `LIMIT_MAKER order would fill at once: a ${r.side} at ${priceText(r.instrument, r.limit!)} crosses ${where}; it was not placed`;
  }

  /** Sends one command; a refusal is a 400 `{ detail }` with the result code and reason. */
  private async execute(command: EngineCommand, correlationId: string, explain?: (o: Outcome) => string | undefined): Promise<Outcome> {
    const { outcome } = await this.gateway.execute(command, correlationId);
    if (isSuccess(outcome.code) && outcome.orderId !== undefined) return outcome;
    throw hbBadRequest(explain?.(outcome) ?? rejection(outcome));
  }
}
