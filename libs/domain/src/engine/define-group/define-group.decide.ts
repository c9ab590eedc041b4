import { findInstrument } from '../../instruments/instruments.catalog.js';
import { fixedToString, hasAtMostDigits, isFixedText, parseFixed, ZERO } from '../../money/fixed.js';
import { done, iso, refuse, type DecideContext, type Decision } from '../decision.js';
import type { EngineState } from '../engine.state.js';
import type { DefineGroup } from './define-group.command.js';

const GROUP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Defines a group's conditions; accounts in it follow them from their next decision. */
export function defineGroup(_state: EngineState, command: DefineGroup, ctx: DecideContext): Decision {
  if (!GROUP_NAME.test(command.name)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_GROUP_NAME');
  const maxLeverage = command.maxLeverage ?? Math.max(command.leverage, 1000);
  if (!Number.isInteger(command.leverage) || command.leverage < 1 || !Number.isInteger(maxLeverage) || maxLeverage < command.leverage) {
    return refuse('TRADE_RETCODE_INVALID', 'INVALID_LEVERAGE');
  }
  const percents = [command.marginCallPercent, command.stopOutPercent, command.commissionPerLot];
  if (!percents.every(isFixedText)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_NUMBER');
  const marginCall = parseFixed(command.marginCallPercent);
  const stopOut = parseFixed(command.stopOutPercent);
  const commission = parseFixed(command.commissionPerLot);
  if (stopOut < ZERO || marginCall < stopOut) return refuse('TRADE_RETCODE_INVALID', 'STOP_OUT_ABOVE_MARGIN_CALL');
  if (commission < ZERO || !hasAtMostDigits(commission, 2)) return refuse('TRADE_RETCODE_INVALID', 'INVALID_COMMISSION');
  if (command.symbols && !command.symbols.every((s) => findInstrument(s))) return refuse('TRADE_RETCODE_INVALID', 'UNKNOWN_SYMBOL');
  return {
    events: [
      {
        type: 'GroupDefined',
        data: {
          name: command.name,
          leverage: command.leverage,
          maxLeverage,
          marginCallPercent: fixedToString(marginCall),
          stopOutPercent: fixedToString(stopOut),
          commissionPerLot: fixedToString(commission),
          symbols: command.symbols ? [...new Set(command.symbols)].sort() : null,
          hedging: command.hedging,
          definedAt: iso(ctx.now),
        },
      },
    ],
    outcome: done(),
  };
}
