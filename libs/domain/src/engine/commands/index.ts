import type { ApplyTick } from './apply-tick.command.js';
import type { ChangeBalance } from './change-balance.command.js';
import type { ClosePosition } from './close-position.command.js';
import type { OpenAccount } from './open-account.command.js';
import type { PlaceOrder } from './place-order.command.js';
import type { RegisterUser } from './register-user.command.js';

export type { ApplyTick, ChangeBalance, ClosePosition, OpenAccount, PlaceOrder, RegisterUser };

export type EngineCommand = RegisterUser | OpenAccount | PlaceOrder | ClosePosition | ChangeBalance | ApplyTick;
export type EngineCommandType = EngineCommand['type'];
