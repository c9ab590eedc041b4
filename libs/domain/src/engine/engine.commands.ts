import type { ApplyTick } from './apply-tick/apply-tick.command.js';
import type { ChangeBalance } from './change-balance/change-balance.command.js';
import type { ClosePosition } from './close-position/close-position.command.js';
import type { OpenAccount } from './open-account/open-account.command.js';
import type { PlaceOrder } from './place-order/place-order.command.js';
import type { RegisterUser } from './register-user/register-user.command.js';

export type { ApplyTick, ChangeBalance, ClosePosition, OpenAccount, PlaceOrder, RegisterUser };

export type EngineCommand = RegisterUser | OpenAccount | PlaceOrder | ClosePosition | ChangeBalance | ApplyTick;
export type EngineCommandType = EngineCommand['type'];
