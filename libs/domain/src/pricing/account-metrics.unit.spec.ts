import { findInstrument } from '../instruments/instruments.catalog.js';
import type { Instrument } from '../instruments/instrument.js';
import { parseFixed } from '../money/fixed.js';
import { marketOf } from '../testing/decider-spec.js';
import { accountMetrics, floatingProfit, type OpenExposure } from './account-metrics.js';
import type { Side } from './pricing.js';

const f = parseFixed;
const instrument = (symbol: string): Instrument => findInstrument(symbol)!;

const exposure = (symbol: string, side: Side, volume: string, openPrice: string): OpenExposure => ({
  instrument: instrument(symbol),
  side,
  volume: f(volume),
  openPrice: f(openPrice),
});

describe('floating profit of an open position', () => {
  const market = marketOf({
    BTCUSD: ['42350.76', '42351.26'],
    EURUSD: ['1.08200', '1.08210'],
    USDJPY: ['149.995', '150.005'], // mid 150.000
    NZDUSD: ['0.61000', '0.61010'], // mid 0.61005
    AUDNZD: ['1.09500', '1.09510'],
  });

  it('prices a BUY at the bid', () => {
    // (42350.76 − 42000.00) × 0.5 = 175.38
    expect(floatingProfit(exposure('BTCUSD', 'BUY', '0.5', '42000.00'), market)).toBe(f('175.38'));
  });

  it('prices a SELL at the ask', () => {
    // (1.08500 − 1.08210) × 1 × 100000 = 290.00
    expect(floatingProfit(exposure('EURUSD', 'SELL', '1', '1.08500'), market)).toBe(f('290'));
  });

  it('converts a USDJPY profit through the USDJPY mid', () => {
    // (149.995 − 149.695) × 100000 = 30000 JPY / 150.000 = 200.00
    expect(floatingProfit(exposure('USDJPY', 'BUY', '1', '149.695'), market)).toBe(f('200'));
  });

  it('converts an AUDNZD profit through the NZDUSD mid', () => {
    // (1.09500 − 1.09000) × 100000 = 500 NZD × 0.61005 = 305.025 → 305.03
    expect(floatingProfit(exposure('AUDNZD', 'BUY', '1', '1.09000'), market)).toBe(f('305.03'));
  });

  it('is undefined when the symbol has no price', () => {
    expect(floatingProfit(exposure('XAUUSD', 'BUY', '1', '2000'), market)).toBeUndefined();
  });
});

describe('an account with 10000 USD and a BUY 0.5 BTCUSD at 42000.00 (margin 2100.00)', () => {
  // margin 0.5 × 42000.00 / 10 = 2100.00
  const positions = [exposure('BTCUSD', 'BUY', '0.5', '42000.00')];

  it('has equity 10175.38, free margin 8075.38 and margin level 484.54 % at bid 42350.76', () => {
    const market = marketOf({ BTCUSD: ['42350.76', '42351.26'] });
    expect(accountMetrics(f('10000'), f('2100'), positions, market)).toEqual({
      balance: f('10000'),
      floating: f('175.38'), // (42350.76 − 42000.00) × 0.5
      equity: f('10175.38'), // 10000 + 175.38
      margin: f('2100'),
      freeMargin: f('8075.38'), // 10175.38 − 2100
      marginLevel: f('484.54'), // 10175.38 / 2100 × 100 = 484.5419…
    });
  });

  it('has equity 9000.00 and margin level 428.57 % at bid 40000.00', () => {
    const market = marketOf({ BTCUSD: ['40000.00', '40000.50'] });
    expect(accountMetrics(f('10000'), f('2100'), positions, market)).toEqual({
      balance: f('10000'),
      floating: f('-1000'), // (40000 − 42000) × 0.5
      equity: f('9000'),
      margin: f('2100'),
      freeMargin: f('6900'), // 9000 − 2100
      marginLevel: f('428.57'), // 9000 / 2100 × 100 = 428.5714…
    });
  });

  it('has no metrics while the position cannot be priced', () => {
    expect(accountMetrics(f('10000'), f('2100'), positions, marketOf({}))).toBeUndefined();
  });
});

describe('an account with several positions', () => {
  it('sums the floating profit of each, each rounded to the cent', () => {
    const market = marketOf({
      BTCUSD: ['42000.00', '42000.50'],
      EURUSD: ['1.08200', '1.08210'],
      USDJPY: ['149.995', '150.005'], // mid 150.000
    });
    const positions = [
      exposure('BTCUSD', 'BUY', '0.01', '41999.50'), // 0.50 × 0.01 = 0.005 → 0.01
      exposure('BTCUSD', 'SELL', '0.01', '42000.00'), // (42000.00 − 42000.50) × 0.01 = −0.005 → −0.01
      exposure('EURUSD', 'SELL', '1', '1.08500'), // (1.08500 − 1.08210) × 100000 = 290.00
      exposure('USDJPY', 'BUY', '0.7', '150.105'), // (149.995 − 150.105) × 70000 = −7700 JPY / 150 = −51.33
    ];
    const metrics = accountMetrics(f('5000'), f('1500'), positions, market)!;
    expect(metrics.floating).toBe(f('238.67')); // 0.01 − 0.01 + 290.00 − 51.33
    expect(metrics.equity).toBe(f('5238.67')); // 5000 + 238.67
    expect(metrics.freeMargin).toBe(f('3738.67')); // 5238.67 − 1500
    expect(metrics.marginLevel).toBe(f('349.24')); // 5238.67 / 1500 × 100 = 349.2446…
  });
});

describe('margin level', () => {
  const none: OpenExposure[] = [];
  const market = marketOf({});

  it('is null without margin in use', () => {
    expect(accountMetrics(f('10000'), f('0'), none, market)).toEqual({
      balance: f('10000'),
      floating: f('0'),
      equity: f('10000'),
      margin: f('0'),
      freeMargin: f('10000'),
      marginLevel: null,
    });
  });

  it.each<[string, string, string]>([
    ['10000', '100', '10000'], // 10000 / 100 × 100 = 10000 %
    ['1', '800', '0.13'], // 0.125 % → tie → 0.13
    ['1', '1200', '0.08'], // 0.08333… %
    ['2100', '2100', '100'], // exactly the margin-call level
    ['1050', '2100', '50'], // exactly the default stop-out level
    ['0', '2100', '0'],
    ['-1', '800', '-0.13'], // −0.125 % → tie, half away from zero → −0.13
    ['-300', '900', '-33.33'], // −33.333… % → −33.33
    ['-2000', '3000', '-66.67'], // −66.666… % → −66.67
  ])('equity %s over margin %s is %s %%', (equity, margin, expected) => {
    expect(accountMetrics(f(equity), f(margin), none, market)!.marginLevel).toBe(f(expected));
  });
});
