import { parseFixed } from '../money/fixed.js';
import type { Instrument, InstrumentCategory } from './instrument.js';

function instrument(
  symbol: string,
  category: InstrumentCategory,
  description: string,
  digits: number,
  contractSize: number,
  volume: { min: string; step: string; max: string },
  maxLeverage: number,
): Instrument {
  const base = symbol.slice(0, 3);
  const quote = symbol.slice(3);
  return {
    symbol,
    description,
    category,
    base,
    quote,
    digits,
    contractSize: BigInt(contractSize),
    volumeMin: parseFixed(volume.min),
    volumeStep: parseFixed(volume.step),
    volumeMax: parseFixed(volume.max),
    maxLeverage,
  };
}

const lots = { min: '0.01', step: '0.01', max: '100' };

/** The instruments every deployment trades; quantities are in lots of `contractSize`. */
export const INSTRUMENTS: readonly Instrument[] = [
  instrument('BTCUSD', 'crypto', 'Bitcoin vs US Dollar', 2, 1, lots, 100),
  instrument('ETHUSD', 'crypto', 'Ethereum vs US Dollar', 2, 1, lots, 100),
  instrument('SOLUSD', 'crypto', 'Solana vs US Dollar', 3, 1, lots, 100),
  instrument('EURUSD', 'forex', 'Euro vs US Dollar', 5, 100_000, lots, 500),
  instrument('GBPUSD', 'forex', 'Pound Sterling vs US Dollar', 5, 100_000, lots, 500),
  instrument('USDJPY', 'forex', 'US Dollar vs Japanese Yen', 3, 100_000, lots, 500),
  instrument('AUDNZD', 'forex', 'Australian Dollar vs New Zealand Dollar', 5, 100_000, lots, 500),
  instrument('NZDUSD', 'forex', 'New Zealand Dollar vs US Dollar', 5, 100_000, lots, 500),
  instrument('XAUUSD', 'metal', 'Gold vs US Dollar', 2, 100, lots, 200),
];

const bySymbol = new Map(INSTRUMENTS.map((i) => [i.symbol, i]));

export function findInstrument(symbol: string): Instrument | undefined {
  return bySymbol.get(symbol);
}
