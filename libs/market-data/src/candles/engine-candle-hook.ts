import type { Quote } from '../../../domain/src/index.js';
import type { EngineInput } from '../../../messaging/src/index.js';
import type { CandleProjection } from './candle-projection.js';

/** The ticks of an engine batch, in the order the engine takes them. */
export function ticksOf(batch: readonly EngineInput[]): Quote[] {
  const ticks: Quote[] = [];
  for (const { command } of batch) if (command.type === 'ApplyTick') ticks.push(command.tick);
  return ticks;
}

/**
 * Embedded deployment: wraps the engine's batch handler so that, once a batch is handled, its
 * ticks (from the feed and from the admin endpoint alike: everything the engine applied) go to the
 * candle projection. The engine's replies are not delayed by the candle write.
 */
export function feedingCandles(
  handle: (batch: EngineInput[]) => Promise<void>,
  projection: CandleProjection,
): (batch: EngineInput[]) => Promise<void> {
  return async (batch) => {
    await handle(batch);
    void projection.record(ticksOf(batch));
  };
}
