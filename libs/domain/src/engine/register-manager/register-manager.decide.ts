import { done, iso, refuse, type DecideContext, type Decision } from '../decision.js';
import { nextId, normalizeEmail, type EngineState } from '../engine.state.js';
import type { RegisterManager } from './register-manager.command.js';

/**
 * A manager is a user with `role: 'manager'` and a list of groups, and no account of its own.
 * Its e-mail shares the users' namespace (it signs in like a user). Every named group must exist.
 */
export function registerManager(state: EngineState, command: RegisterManager, ctx: DecideContext): Decision {
  const email = normalizeEmail(command.email);
  if (state.usersByEmail.has(email)) return refuse('TRADE_RETCODE_REJECT', 'EMAIL_TAKEN');
  const groups = [...new Set(command.groups)];
  if (groups.length === 0) return refuse('TRADE_RETCODE_INVALID', 'NO_GROUPS');
  if (groups.some((name) => !state.groups.has(name))) return refuse('TRADE_RETCODE_INVALID', 'GROUP_NOT_FOUND');
  const userId = nextId(state, 'user');
  return {
    events: [
      {
        type: 'UserRegistered',
        data: { userId, email, passwordHash: command.passwordHash, registeredAt: iso(ctx.now), role: 'manager', groups },
      },
    ],
    outcome: done({ userId }),
  };
}
