import { fixedToString, isFixedText, parseFixed, roundMoney, ZERO } from '../../money/fixed.js';
import { done, iso, refuse, type DecideContext, type Decision } from '../decision.js';
import { DEFAULT_GROUP, nextId, normalizeEmail, type EngineState } from '../engine.state.js';
import type { DomainEvent } from '../events/index.js';
import type { RegisterUser } from './register-user.command.js';

/** Sign-up: the user, a first USD account in the default group, and its opening deposit. */
export function registerUser(state: EngineState, command: RegisterUser, ctx: DecideContext): Decision {
  const email = normalizeEmail(command.email);
  if (state.usersByEmail.has(email)) return refuse('TRADE_RETCODE_REJECT', 'EMAIL_TAKEN');
  if (!isFixedText(command.initialBalance)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_AMOUNT');
  const userId = nextId(state, 'user');
  const accountId = nextId(state, 'account');
  const at = iso(ctx.now);
  const balance = roundMoney(parseFixed(command.initialBalance));
  const events: DomainEvent[] = [
    { type: 'UserRegistered', data: { userId, email, passwordHash: command.passwordHash, registeredAt: at } },
    {
      type: 'AccountOpened',
      data: {
        accountId,
        userId,
        name: 'Main',
        group: DEFAULT_GROUP.name,
        currency: 'USD',
        leverage: DEFAULT_GROUP.leverage,
        openedAt: at,
      },
    },
  ];
  if (balance > ZERO) {
    const amount = fixedToString(balance);
    events.push({
      type: 'BalanceChanged',
      data: { accountId, kind: 'DEPOSIT', amount, balance: amount, comment: 'Initial deposit', changedAt: at },
    });
  }
  return { events, outcome: done({ userId, accountId }) };
}

