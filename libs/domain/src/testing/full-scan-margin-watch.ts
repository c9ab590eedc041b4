import { accountsMovedBy } from '../engine/risk.js';
import type { EngineState } from '../engine/engine.state.js';
import { MarginWatch } from '../triggers/margin-watch.js';

/**
 * The margin watch without bands: every tick checks every account the price moves. What the
 * banded watch must decide exactly like (tests), and the naive engine the benchmark compares with.
 */
export class FullScanMarginWatch extends MarginWatch {
  constructor(private readonly state: EngineState) {
    super();
  }

  override due(symbol: string): number[] {
    return [...accountsMovedBy(this.state, symbol)];
  }

  override band(): void {}

  override accountChanged(): void {}

  override everythingChanged(): void {}
}

/** A fresh state's watch replaced by the full scan. */
export function withFullScan(state: EngineState): EngineState {
  state.marginWatch = new FullScanMarginWatch(state);
  return state;
}
