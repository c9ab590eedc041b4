import { fixedToString, hasAtMostDigits, isFixedText, parseFixed, ZERO } from '../../money/fixed.js';
import { accountMetrics } from '../../pricing/account-metrics.js';
import { done, iso, openPositions, refuse, reject, type DecideContext, type Decision } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import type { ChangeBalance } from './change-balance.command.js';

export function changeBalance(state: EngineState, command: ChangeBalance, ctx: DecideContext): Decision {
  const account = state.accounts.get(command.accountId);
  if (!account) return refuse('TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND');
  if (!isFixedText(command.amount)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_AMOUNT');
  const amount = parseFixed(command.amount);
  if (amount === ZERO || !hasAtMostDigits(amount, 2)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_AMOUNT');
  if (amount < ZERO) {
    const metrics = accountMetrics(account.balance, account.margin, openPositions(state, account), ctx.market);
    if (metrics === undefined) return reject(account.accountId, command, 'TRADE_RETCODE_PRICE_OFF', 'NO_PRICE_FOR_OPEN_POSITIONS', ctx);
    if (-amount > metrics.freeMargin) {
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

