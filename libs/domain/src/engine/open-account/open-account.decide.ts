import { done, iso, refuse, type DecideContext, type Decision } from '../decision.js';
import { DEFAULT_GROUP, nextId, type EngineState } from '../engine.state.js';
import type { OpenAccount } from './open-account.command.js';

export function openAccount(state: EngineState, command: OpenAccount, ctx: DecideContext): Decision {
  const user = state.users.get(command.userId);
  if (!user) return refuse('TRADE_RETCODE_INVALID', 'USER_NOT_FOUND');
  const group = state.groups.get(DEFAULT_GROUP.name) ?? DEFAULT_GROUP;
  const leverage = command.leverage ?? group.leverage;
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > group.leverage * 10) {
    return refuse('TRADE_RETCODE_INVALID', 'INVALID_LEVERAGE');
  }
  const accountId = nextId(state, 'account');
  return {
    events: [
      {
        type: 'AccountOpened',
        data: {
          accountId,
          userId: user.userId,
          name: command.name ?? `Account ${user.accountIds.length + 1}`,
          group: group.name,
          currency: 'USD',
          leverage,
          openedAt: iso(ctx.now),
        },
      },
    ],
    outcome: done({ userId: user.userId, accountId }),
  };
}

