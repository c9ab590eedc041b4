import { fixedToString, hasAtMostDigits, isFixedText, parseFixed, ZERO, type Fixed } from '../../money/fixed.js';
import { metricsOf } from '../../pricing/account-metrics.js';
import { done, iso, refuse, reject, type DecideContext, type Decision } from '../decision.js';
import { accountFloating } from '../trading-rules.js';
import { groupOf, type AccountState, type EngineState } from '../engine.state.js';
import type { DomainEvent } from '../events/index.js';
import type { ChangeBalance } from './change-balance.command.js';

export function changeBalance(state: EngineState, command: ChangeBalance, ctx: DecideContext): Decision {
  const account = state.accounts.get(command.accountId);
  if (!account) return refuse('TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND');
  if (!isFixedText(command.amount)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_AMOUNT');
  const amount = parseFixed(command.amount);
  if (amount === ZERO || !hasAtMostDigits(amount, 2)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_AMOUNT');
  if (amount < ZERO) {
    const floating = accountFloating(state, account, ctx.market);
    if (floating === undefined) return reject(account.accountId, command, 'TRADE_RETCODE_PRICE_OFF', 'NO_PRICE_FOR_OPEN_POSITIONS', ctx);
    if (-amount > metricsOf(account.balance, account.margin, floating).freeMargin) {
      return reject(account.accountId, command, 'TRADE_RETCODE_NO_MONEY', 'WITHDRAWAL_EXCEEDS_FREE_MARGIN', ctx);
    }
  }
  const balance = account.balance + amount;
  const changed: DomainEvent = {
    type: 'BalanceChanged',
    data: {
      accountId: account.accountId,
      kind: amount > ZERO ? 'DEPOSIT' : 'WITHDRAWAL',
      amount: fixedToString(amount),
      balance: fixedToString(balance),
      comment: command.comment,
      changedAt: iso(ctx.now),
    },
  };
  return {
    events: [changed, ...marginCallCuredBy(state, account, balance, ctx)],
    outcome: done({ accountId: account.accountId }),
  };
}

/**
 * A deposit that lifts the margin level above the margin-call level ends the margin call at once,
 * as the account summary then shows, instead of at the next tick of a symbol the account holds.
 */
function marginCallCuredBy(state: EngineState, account: AccountState, balance: Fixed, ctx: DecideContext): DomainEvent[] {
  if (!account.marginCall || balance <= account.balance) return [];
  const floating = accountFloating(state, account, ctx.market);
  if (floating === undefined) return []; // not priceable now: the next tick decides
  const { marginLevel } = metricsOf(balance, account.margin, floating);
  if (marginLevel !== null && marginLevel <= groupOf(state, account).marginCallPercent) return [];
  return [{ type: 'MarginCallCleared', data: { accountId: account.accountId, marginLevel: marginLevel === null ? null : fixedToString(marginLevel), at: iso(ctx.now) } }];
}
