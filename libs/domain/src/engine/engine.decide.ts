import { advanceClock } from './advance-clock/advance-clock.decide.js';
import { applyTick } from './apply-tick/apply-tick.decide.js';
import { cancelOrder } from './cancel-order/cancel-order.decide.js';
import { changeAccountGroup } from './change-account-group/change-account-group.decide.js';
import { changeBalance } from './change-balance/change-balance.decide.js';
import { closePosition } from './close-position/close-position.decide.js';
import { closePositionsBySymbol } from './close-positions-by-symbol/close-positions-by-symbol.decide.js';
import type { DecideContext, Decision } from './decision.js';
import { defineGroup } from './define-group/define-group.decide.js';
import type { EngineCommand } from './engine.commands.js';
import type { EngineState } from './engine.state.js';
import { modifyOrder } from './modify-order/modify-order.decide.js';
import { modifyPosition } from './modify-position/modify-position.decide.js';
import { openAccount } from './open-account/open-account.decide.js';
import { placePendingOrder } from './place-pending-order/place-pending-order.decide.js';
import { placeOrder } from './place-order/place-order.decide.js';
import { registerManager } from './register-manager/register-manager.decide.js';
import { registerUser } from './register-user/register-user.decide.js';

export type { DecideContext, Decision, Outcome, RejectReason } from './decision.js';
export { quoteUsed } from './decision.js';

/** The engine's decider: every input, one use case each; pure (reads state, returns events). */
export function decide(state: EngineState, command: EngineCommand, ctx: DecideContext): Decision {
  switch (command.type) {
    case 'RegisterUser':
      return registerUser(state, command, ctx);
    case 'RegisterManager':
      return registerManager(state, command, ctx);
    case 'OpenAccount':
      return openAccount(state, command, ctx);
    case 'PlaceOrder':
      return placeOrder(state, command, ctx);
    case 'PlacePendingOrder':
      return placePendingOrder(state, command, ctx);
    case 'ModifyOrder':
      return modifyOrder(state, command, ctx);
    case 'CancelOrder':
      return cancelOrder(state, command, ctx);
    case 'ModifyPosition':
      return modifyPosition(state, command, ctx);
    case 'ClosePosition':
      return closePosition(state, command, ctx);
    case 'ClosePositionsBySymbol':
      return closePositionsBySymbol(state, command, ctx);
    case 'ChangeBalance':
      return changeBalance(state, command, ctx);
    case 'DefineGroup':
      return defineGroup(state, command, ctx);
    case 'ChangeAccountGroup':
      return changeAccountGroup(state, command, ctx);
    case 'ApplyTick':
      return applyTick(state, command, ctx);
    case 'AdvanceClock':
      return advanceClock(state, command, ctx);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
}
