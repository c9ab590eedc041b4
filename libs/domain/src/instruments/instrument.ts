import type { Fixed } from '../money/fixed.js';

export type InstrumentCategory = 'crypto' | 'forex' | 'metal';

export interface Instrument {
  symbol: string;
  description: string;
  category: InstrumentCategory;
  base: string;
  /** Currency profit is made in before conversion to the account currency. */
  quote: string;
  /** Decimals of a price. */
  digits: number;
  /** Units of the base per lot. */
  contractSize: bigint;
  volumeMin: Fixed;
  volumeStep: Fixed;
  volumeMax: Fixed;
  maxLeverage: number;
}
