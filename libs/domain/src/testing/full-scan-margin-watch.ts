import type { EngineState } from '../engine/engine.state.js';
import { marginDependencies } from '../engine/risk.js';
import { MarginWatch } from '../triggers/margin-watch.js';

/**
 * The margin watch without bands: every tick checks every account the price moves (those with a
 * position on the symbol, or on an instrument whose profit it converts). What the banded watch must
 * decide exactly like (tests), and the naive engine the benchmark compares with. It keeps its own
 * index of who depends on which symbol, told of every change as the banded watch is.
 */
export class FullScanMarginWatch extends MarginWatch {
  private readonly dependents = new Map<string, Set<number>>();
  private readonly dependencies = new Map<number, string[]>();

  constructor(private readonly state: EngineState) {
    super();
    for (const accountId of state.accounts.keys()) this.accountChanged(accountId);
  }

  override due(symbol: string): number[] {
    return [...(this.dependents.get(symbol) ?? [])];
  }

  override band(): void {}

  override accountChanged(accountId: number): void {
    for (const symbol of this.dependencies.get(accountId) ?? []) this.dependents.get(symbol)!.delete(accountId);
    const symbols = marginDependencies(this.state, accountId);
    this.dependencies.set(accountId, symbols);
    for (const symbol of symbols) {
      let accounts = this.dependents.get(symbol);
      if (!accounts) this.dependents.set(symbol, (accounts = new Set()));
      accounts.add(accountId);
    }
  }

  override everythingChanged(): void {}
}

/** A state's watch replaced by the full scan. */
export function withFullScan(state: EngineState): EngineState {
  state.marginWatch = new FullScanMarginWatch(state);
  return state;
}
