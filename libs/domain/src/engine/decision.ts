import type { Instrument } from '../instruments/instrument.js';
import { fixedToString, hasAtMostDigits, isFixedText, parseFixed, type Fixed } from '../money/fixed.js';
import type { MarketView, Quote } from '../pricing/pricing.js';
import { resultCodeMessage, type ResultCode } from '../result-codes.js';
import type { AccountState, EngineState, PositionState } from './engine.state.js';
import type { DomainEvent, QuoteUsed } from './events/index.js';

/** What every use case's decide function shares: its context, its answer, and how to refuse. */
export interface DecideContext {
  /** The engine's clock, epoch ms: time arrives with the input, the domain never reads a clock. */
  now: number;
  /** Latest prices, already including the tick being decided. */
  market: MarketView;
  /** A quote older than this is no quote. */
  priceStaleMs: number;
}

/** Why a request failed beyond its result code, for the edge to pick a status (e.g. 404). */
export type RejectReason =
  | 'ACCOUNT_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'POSITION_NOT_FOUND'
  | 'EMAIL_TAKEN'
  | 'UNKNOWN_SYMBOL'
  | 'INVALID_LEVERAGE'
  | 'INVALID_AMOUNT'
  | 'DEADLINE_PASSED'
  | string;

export interface Outcome {
  code: ResultCode;
  message: string;
  reason?: RejectReason;
  userId?: number;
  accountId?: number;
  orderId?: number;
  /** Fills and closes: decimal strings. */
  price?: string;
  profit?: string;
  volume?: string;
}

export interface Decision {
  events: DomainEvent[];
  outcome: Outcome;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export const done = (extra: Omit<Outcome, 'code' | 'message'> = {}): Outcome => ({
  code: 'TRADE_RETCODE_DONE',
  message: resultCodeMessage('TRADE_RETCODE_DONE'),
  ...extra,
});

/** A refusal that leaves no trace: the target does not exist for this caller. */
export function refuse(code: ResultCode, reason: RejectReason): Decision {
  return { events: [], outcome: { code, reason, message: resultCodeMessage(code) } };
}

/** A refusal recorded in the account's stream for the audit trail. */
export function reject(
  accountId: number,
  command: { type: string; commandId: string },
  code: ResultCode,
  reason: RejectReason,
  ctx: DecideContext,
  quote: Quote | undefined = undefined,
): Decision {
  return {
    events: [
      {
        type: 'TradeRejected',
        data: {
          accountId,
          commandId: command.commandId,
          command: command.type,
          code,
          reason,
          rejectedAt: iso(ctx.now),
          quote: quote ? quoteUsed(quote) : null,
        },
      },
    ],
    outcome: { code, reason, accountId, message: `${resultCodeMessage(code)}: ${reason}` },
  };
}

export function quoteUsed(quote: Quote): QuoteUsed {
  const used: QuoteUsed = { bid: fixedToString(quote.bid), ask: fixedToString(quote.ask), time: iso(quote.time) };
  if (quote.feed !== undefined) used.feed = quote.feed;
  return used;
}

export function freshQuote(symbol: string, ctx: DecideContext): Quote | undefined {
  const quote = ctx.market.quote(symbol);
  if (!quote || ctx.now - quote.time > ctx.priceStaleMs) return undefined;
  return quote;
}

export function ownedAccount(state: EngineState, accountId: number, userId: number): AccountState | undefined {
  const account = state.accounts.get(accountId);
  return account && account.userId === userId ? account : undefined;
}

export function openPositions(state: EngineState, account: AccountState): PositionState[] {
  const positions: PositionState[] = [];
  for (const id of account.positionIds) positions.push(state.positions.get(id)!);
  return positions;
}

export function validVolume(text: string, instrument: Instrument): Fixed | undefined {
  if (!isFixedText(text)) return undefined;
  const volume = parseFixed(text);
  if (volume < instrument.volumeMin || volume > instrument.volumeMax) return undefined;
  if ((volume - instrument.volumeMin) % instrument.volumeStep !== 0n) return undefined;
  return volume;
}

export function validLevel(text: string | null, instrument: Instrument): Fixed | null | false {
  if (text === null) return null;
  if (!isFixedText(text)) return false;
  const level = parseFixed(text);
  return level > 0n && hasAtMostDigits(level, instrument.digits) ? level : false;
}

