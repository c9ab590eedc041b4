import { randomUUID } from 'node:crypto';
import type { EngineClient } from '../../../libs/messaging/src/index.js';

/**
 * Moves the engine's clock forward on an idle market: pending orders expire on time even when no
 * tick arrives. The clock is an input like any other, so decisions stay deterministic on replay.
 */
export function startEngineClock(engine: EngineClient, intervalMs = 1_000, clock: () => number = Date.now): () => void {
  const timer = setInterval(() => {
    engine.submit({ command: { type: 'AdvanceClock', commandId: randomUUID(), now: clock() }, correlationId: 'engine-clock' });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
