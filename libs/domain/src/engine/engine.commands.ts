import type { AdvanceClock } from './advance-clock/advance-clock.command.js';
import type { ApplyTick } from './apply-tick/apply-tick.command.js';
import type { CancelOrder } from './cancel-order/cancel-order.command.js';
import type { ChangeAccountGroup } from './change-account-group/change-account-group.command.js';
import type { ChangeBalance } from './change-balance/change-balance.command.js';
import type { ClosePosition } from './close-position/close-position.command.js';
import type { ClosePositionsBySymbol } from './close-positions-by-symbol/close-positions-by-symbol.command.js';
import type { DefineGroup } from './define-group/define-group.command.js';
import type { ModifyOrder } from './modify-order/modify-order.command.js';
import type { ModifyPosition } from './modify-position/modify-position.command.js';
import type { OpenAccount } from './open-account/open-account.command.js';
import type { PlacePendingOrder } from './place-pending-order/place-pending-order.command.js';
import type { PlaceOrder } from './place-order/place-order.command.js';
import type { RegisterManager } from './register-manager/register-manager.command.js';
import type { RegisterUser } from './register-user/register-user.command.js';

export type {
  AdvanceClock,
  ApplyTick,
  CancelOrder,
  ChangeAccountGroup,
  ChangeBalance,
  ClosePosition,
  ClosePositionsBySymbol,
  DefineGroup,
  ModifyOrder,
  ModifyPosition,
  OpenAccount,
  PlacePendingOrder,
  PlaceOrder,
  RegisterManager,
  RegisterUser,
};

export type EngineCommand =
  | RegisterUser
  | RegisterManager
  | OpenAccount
  | PlaceOrder
  | PlacePendingOrder
  | ModifyOrder
  | CancelOrder
  | ModifyPosition
  | ClosePosition
  | ClosePositionsBySymbol
  | ChangeBalance
  | DefineGroup
  | ChangeAccountGroup
  | ApplyTick
  | AdvanceClock;
export type EngineCommandType = EngineCommand['type'];

/** Commands every shard must see (market and configuration), as opposed to one account's shard. */
export const BROADCAST_COMMANDS: ReadonlySet<EngineCommandType> = new Set(['ApplyTick', 'AdvanceClock', 'DefineGroup']);
