import { fixedToString, hasAtMostDigits, isFixedText, parseFixed, ZERO } from '../../money/fixed.js';
import { metricsOf } from '../../pricing/account-metrics.js';
import { done, iso, refuse, reject, type DecideContext, type Decision } from '../decision.js';
import { accountFloating } from '../trading-rules.js';
import type { EngineState } from '../engine.state.js';
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
  return {
    events: [
      {
        type: 'BalanceChanged',
        data: {
          accountId: account.accountId,
          kind: amount > ZERO ? 'DEPOSIT' : 'WITHDRAWAL',
          amount: fixedToString(amount),
          balance: fixedToString(balance),
          comment: command.comment,
          changedAt: iso(ctx.now),
        },
      },
    ],
    outcome: done({ accountId: account.accountId }),
  };
}

