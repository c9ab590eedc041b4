import { done, type DecideContext, type Decision } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import { expiredOrders } from '../expiry.js';
import type { AdvanceClock } from './advance-clock.command.js';

/** Time passes on an idle market: orders whose lifetime ended expire. */
export function advanceClock(state: EngineState, command: AdvanceClock, _ctx: DecideContext): Decision {
  return { events: expiredOrders(state, command.now), outcome: done() };
}
