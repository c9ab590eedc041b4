import { div, fixedToString, mul, roundMoney, ZERO, type Fixed } from '../money/fixed.js';
import type { Quote } from '../pricing/pricing.js';
import { iso, quoteUsed } from './decision.js';
import type { PositionState } from './engine.state.js';
import type { BalanceWrittenOff, CloseReason, PositionClosed } from './events/index.js';

/** Margin released by closing `volume` of a position: proportional, and all of what is left on a full close. */
export function marginReleased(position: PositionState, volume: Fixed): Fixed {
  return volume === position.volume ? position.margin : roundMoney(div(mul(position.margin, volume), position.volume));
}

/** The tags a close request may carry onto its deal. */
export interface CloseTags {
  clientId: string | null;
  comment: string | null;
}

/** A close nobody asked for (take profit, stop loss, stop-out) carries no tags. */
export const UNTAGGED: CloseTags = { clientId: null, comment: null };

export function closedEvent(
  position: PositionState,
  volume: Fixed,
  closePrice: Fixed,
  profit: Fixed,
  balanceAfter: Fixed,
  reason: CloseReason,
  quote: Quote,
  now: number,
  tags: CloseTags = UNTAGGED,
): PositionClosed {
  const remaining = position.volume - volume;
  const released = marginReleased(position, volume);
  return {
    type: 'PositionClosed',
    data: {
      accountId: position.accountId,
      orderId: position.orderId,
      symbol: position.instrument.symbol,
      side: position.side,
      volume: fixedToString(volume),
      remainingVolume: fixedToString(remaining),
      openPrice: fixedToString(position.openPrice),
      closePrice: fixedToString(closePrice),
      leverage: position.leverage,
      takeProfit: position.takeProfit === null ? null : fixedToString(position.takeProfit),
      stopLoss: position.stopLoss === null ? null : fixedToString(position.stopLoss),
      openTime: position.openTime,
      closeTime: iso(now),
      profit: fixedToString(profit),
      marginReleased: fixedToString(released),
      balance: fixedToString(balanceAfter),
      reason,
      quote: quoteUsed(quote),
      clientId: tags.clientId,
      comment: tags.comment,
    },
  };
}

/**
 * Negative balance protection: once an account holds no position, a balance below zero (a gap
 * through a stop) is written off by a recorded event, so a balance never ends below zero.
 */
export function writeOffIfNegative(accountId: number, balance: Fixed, positionsLeft: number, now: number): BalanceWrittenOff[] {
  if (balance >= ZERO || positionsLeft > 0) return [];
  return [{ type: 'BalanceWrittenOff', data: { accountId, amount: fixedToString(-balance), balance: '0', at: iso(now) } }];
}
