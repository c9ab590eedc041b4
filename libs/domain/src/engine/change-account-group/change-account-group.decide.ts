import { done, iso, refuse, type DecideContext, type Decision } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import type { ChangeAccountGroup } from './change-account-group.command.js';

/** Moves an account into a group: its leverage and risk levels are the group's from now on. */
export function changeAccountGroup(state: EngineState, command: ChangeAccountGroup, ctx: DecideContext): Decision {
  const account = state.accounts.get(command.accountId);
  if (!account) return refuse('TRADE_RETCODE_INVALID', 'ACCOUNT_NOT_FOUND');
  const group = state.groups.get(command.group);
  if (!group) return refuse('TRADE_RETCODE_INVALID', 'GROUP_NOT_FOUND');
  if (account.group === group.name) return refuse('TRADE_RETCODE_NO_CHANGES', 'ALREADY_IN_GROUP');
  return {
    events: [
      { type: 'AccountGroupChanged', data: { accountId: account.accountId, group: group.name, leverage: group.leverage, changedAt: iso(ctx.now) } },
    ],
    outcome: done({ accountId: account.accountId }),
  };
}
