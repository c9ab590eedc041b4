import { fixedToString, type Fixed } from '../../money/fixed.js';
import type { Quote } from '../../pricing/pricing.js';
import type { ResultCode } from '../../result-codes.js';
import { done, freshQuote, iso, ownedAccount, refuse, reject, validLevel, type DecideContext, type Decision, type RejectReason } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import { stopsValid } from '../trading-rules.js';
import type { ModifyPosition } from './modify-position.command.js';

/** New TP/SL for an open position, valid against the price it would close at now. */
export function modifyPosition(state: EngineState, command: ModifyPosition, ctx: DecideContext): Decision {
  const position = state.positions.get(command.orderId);
  const account = position && ownedAccount(state, position.accountId, command.userId);
  if (!position || !account || (command.accountId !== null && command.accountId !== account.accountId)) {
    return refuse('TRADE_RETCODE_POSITION_CLOSED', 'POSITION_NOT_FOUND');
  }
  const rejectWith = (code: ResultCode, reason: RejectReason, quote?: Quote) =>
    reject(account.accountId, command, code, reason, ctx, quote);
  if (ctx.now > command.deadline) return rejectWith('TRADE_RETCODE_TIMEOUT', 'DEADLINE_PASSED');
  const takeProfit = validLevel(command.takeProfit, position.instrument);
  const stopLoss = validLevel(command.stopLoss, position.instrument);
  if (takeProfit === false || stopLoss === false) return rejectWith('TRADE_RETCODE_INVALID_STOPS', 'INVALID_LEVEL');
  if (takeProfit === position.takeProfit && stopLoss === position.stopLoss) return rejectWith('TRADE_RETCODE_NO_CHANGES', 'NOTHING_TO_CHANGE');
  const quote = freshQuote(position.instrument.symbol, ctx);
  if (!quote) return rejectWith('TRADE_RETCODE_PRICE_OFF', 'NO_FRESH_PRICE');
  const reference = position.side === 'BUY' ? quote.bid : quote.ask;
  if (!stopsValid(position.side, takeProfit, stopLoss, reference)) return rejectWith('TRADE_RETCODE_INVALID_STOPS', 'STOPS_WOULD_TRIGGER', quote);
  const text = (value: Fixed | null) => (value === null ? null : fixedToString(value));
  return {
    events: [
      {
        type: 'PositionModified',
        data: { accountId: account.accountId, orderId: position.orderId, takeProfit: text(takeProfit), stopLoss: text(stopLoss), modifiedAt: iso(ctx.now) },
      },
    ],
    outcome: done({ accountId: account.accountId, orderId: position.orderId }),
  };
}
