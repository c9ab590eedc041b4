import type { Quote } from '../../../domain/src/index.js';
import type { Logger } from '../../../platform/src/logger.js';
import { aggregateTicks, CANDLE_INTERVALS, type CandleInterval } from './candle.js';
import type { CandleStore } from './candle-store.port.js';

/**
 * The projection from ticks to candles. Ticks are not domain events (the log does not keep them),
 * so this projection is fed from where ticks reach the engine, batch by batch, and writes the
 * candle read model. Writes are serialised: a batch is merged once the one before it is stored.
 * A failed write is logged and its ticks are lost to the candles (never to the engine).
 */
export class CandleProjection {
  private tail: Promise<void> = Promise.resolve();
  private failures = 0;
  private lastError: string | null = null;
  private recorded = 0;

  constructor(
    private readonly store: CandleStore,
    private readonly logger: Logger,
    private readonly intervals: readonly CandleInterval[] = CANDLE_INTERVALS,
  ) {}

  /** Queues the ticks of one batch (in the order the engine applied them); resolves once stored. */
  record(ticks: readonly Quote[]): Promise<void> {
    if (ticks.length === 0) return this.tail;
    const partials = aggregateTicks(ticks, this.intervals);
    const count = ticks.length;
    this.tail = this.tail.then(async () => {
      try {
        await this.store.merge(partials);
        this.recorded += count;
      } catch (error) {
        this.failures += 1;
        this.lastError = (error as Error).message;
        this.logger.error({ err: error, ticks: count }, 'candles could not be stored; these ticks are missing from them');
      }
    });
    return this.tail;
  }

  /** Resolves once everything queued so far is stored (or failed). */
  flushed(): Promise<void> {
    return this.tail;
  }

  get stats(): { recorded: number; failures: number; lastError: string | null } {
    return { recorded: this.recorded, failures: this.failures, lastError: this.lastError };
  }
}
