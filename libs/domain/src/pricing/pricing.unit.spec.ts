import { findInstrument } from '../instruments/instruments.catalog.js';
import type { Instrument } from '../instruments/instrument.js';
import { parseFixed, type Fixed } from '../money/fixed.js';
import { marketOf } from '../testing/decider-spec.js';
import {
  closePriceFor,
  mid,
  openPriceFor,
  profitInAccountCurrency,
  profitInQuoteCurrency,
  requiredMargin,
  toAccountCurrency,
  type Quote,
  type Side,
} from './pricing.js';

const f = parseFixed;
const instrument = (symbol: string): Instrument => {
  const found = findInstrument(symbol);
  if (!found) throw new Error(`no ${symbol} in the catalog`);
  return found;
};
const BTCUSD = instrument('BTCUSD');
const EURUSD = instrument('EURUSD');
const USDJPY = instrument('USDJPY');
const AUDNZD = instrument('AUDNZD');
const XAUUSD = instrument('XAUUSD');

const quote = (bid: string, ask: string): Quote => ({ symbol: 'X', bid: f(bid), ask: f(ask), time: 0 });

// The market every conversion below reads. Mids, by hand:
//   USDJPY (149.995 + 150.005) / 2 = 150.000
//   NZDUSD (0.61000 + 0.61010) / 2 = 0.61005
const market = marketOf({
  BTCUSD: ['42000.00', '42000.50'],
  EURUSD: ['1.08500', '1.08510'],
  USDJPY: ['149.995', '150.005'],
  NZDUSD: ['0.61000', '0.61010'],
  AUDNZD: ['1.09000', '1.09010'],
});
const noPrices = marketOf({});

describe('the instrument catalog', () => {
  it.each<[string, string, string, number, bigint, number]>([
    ['BTCUSD', 'BTC', 'USD', 2, 1n, 100],
    ['EURUSD', 'EUR', 'USD', 5, 100_000n, 500],
    ['USDJPY', 'USD', 'JPY', 3, 100_000n, 500],
    ['AUDNZD', 'AUD', 'NZD', 5, 100_000n, 500],
    ['XAUUSD', 'XAU', 'USD', 2, 100n, 200],
  ])('%s: base %s, quote %s, %d digits, contract %s, leverage up to 1:%d', (symbol, base, quoteCcy, digits, contract, lev) => {
    const i = instrument(symbol);
    expect([i.base, i.quote, i.digits, i.contractSize, i.maxLeverage]).toEqual([base, quoteCcy, digits, contract, lev]);
    // API.md: volumes up to at least 100 lots, leverage up to at least 1:100.
    expect([i.volumeMin, i.volumeStep, i.volumeMax]).toEqual([f('0.01'), f('0.01'), f('100')]);
  });

  it('does not know an unlisted symbol', () => {
    expect(findInstrument('DOGEUSD')).toBeUndefined();
  });
});

describe('open and close prices', () => {
  const q = quote('42000.00', '42000.50');

  it('a BUY opens at the ask and closes at the bid', () => {
    expect(openPriceFor('BUY', q)).toBe(f('42000.50'));
    expect(closePriceFor('BUY', q)).toBe(f('42000.00'));
  });

  it('a SELL opens at the bid and closes at the ask', () => {
    expect(openPriceFor('SELL', q)).toBe(f('42000.00'));
    expect(closePriceFor('SELL', q)).toBe(f('42000.50'));
  });
});

describe('mid', () => {
  it.each<[string, string, string]>([
    ['1.08500', '1.08510', '1.08505'], // 2.17010 / 2
    ['150.450', '150.455', '150.4525'], // 300.905 / 2: one more decimal than the instrument, exact
    ['0.61000', '0.61010', '0.61005'],
    ['42000.00', '42000.01', '42000.005'],
  ])('(%s + %s) / 2 = %s', (bid, ask, expected) => {
    expect(mid(quote(bid, ask))).toBe(f(expected));
  });
});

describe('profit in the quote currency', () => {
  it.each<[Side, string, string, string, Instrument, string]>([
    ['BUY', '42001.00', '42500.50', '0.1', BTCUSD, '49.95'], // 499.50 × 0.1 × 1
    ['SELL', '42001.00', '42500.50', '0.1', BTCUSD, '-49.95'], // opposite sign
    ['BUY', '1.08505', '1.08750', '0.5', EURUSD, '122.5'], // 0.00245 × 0.5 × 100000
    ['SELL', '150.305', '150.005', '1', USDJPY, '30000'], // 0.300 × 100000 JPY
    ['BUY', '1800.00', '1810.25', '0.03', XAUUSD, '30.75'], // 10.25 × 0.03 × 100
  ])('%s %s → %s, %s lots of %o: %s', (side, open, close, volume, inst, expected) => {
    expect(profitInQuoteCurrency(side, f(open), f(close), f(volume), inst)).toBe(f(expected));
  });
});

describe('conversion into USD at the mid of the linking pair', () => {
  it('leaves USD as it is, even without prices', () => {
    expect(toAccountCurrency(f('123.456'), 'USD', noPrices)).toBe(f('123.456'));
  });

  it('multiplies by the XXXUSD mid: 500 NZD × 0.61005 = 305.025 USD', () => {
    expect(toAccountCurrency(f('500'), 'NZD', market)).toBe(f('305.025'));
  });

  it('divides by the USDXXX mid: 30000 JPY / 150.000 = 200 USD', () => {
    expect(toAccountCurrency(f('30000'), 'JPY', market)).toBe(f('200'));
  });

  it('prefers the direct XXXUSD pair when both directions are quoted', () => {
    const both = marketOf({ NZDUSD: ['0.50000', '0.50000'], USDNZD: ['4.00000', '4.00000'] });
    expect(toAccountCurrency(f('10'), 'NZD', both)).toBe(f('5')); // 10 × 0.5, not 10 / 4
  });

  it('is undefined when no pair links the currency to USD', () => {
    expect(toAccountCurrency(f('1'), 'JPY', noPrices)).toBeUndefined();
    expect(toAccountCurrency(f('1'), 'CHF', market)).toBeUndefined();
  });
});

describe('profit in account currency (USD, rounded to the cent half away from zero)', () => {
  const cases: [string, Side, string, string, string, Instrument, string | undefined][] = [
    // BTCUSD: USD-quoted, no conversion.
    ['BTCUSD BUY in profit', 'BUY', '42001.00', '42500.50', '0.1', BTCUSD, '49.95'], // (42500.50 − 42001.00) × 0.1 = 49.95
    ['BTCUSD SELL at a loss', 'SELL', '42001.00', '42500.50', '0.1', BTCUSD, '-49.95'],
    ['BTCUSD SELL in profit, rounded', 'SELL', '42000.00', '41000.55', '0.37', BTCUSD, '369.80'], // 999.45 × 0.37 = 369.7965
    ['BTCUSD BUY, half-cent tie', 'BUY', '42000.00', '42000.50', '0.01', BTCUSD, '0.01'], // 0.50 × 0.01 = 0.005 → 0.01
    ['BTCUSD SELL, negative half-cent tie', 'SELL', '42000.50', '42001.00', '0.01', BTCUSD, '-0.01'], // −0.005 → −0.01
    // EURUSD: USD-quoted.
    ['EURUSD BUY in profit', 'BUY', '1.08505', '1.08750', '0.5', EURUSD, '122.50'], // 0.00245 × 50000 = 122.5
    ['EURUSD SELL in profit', 'SELL', '1.08500', '1.08123', '1.3', EURUSD, '490.10'], // 0.00377 × 130000 = 490.1
    ['EURUSD BUY at a loss', 'BUY', '1.08510', '1.08500', '2', EURUSD, '-20.00'], // −0.0001 × 200000 = −20
    // USDJPY: JPY profit divided by the USDJPY mid 150.000.
    ['USDJPY BUY in profit', 'BUY', '149.695', '149.995', '1', USDJPY, '200.00'], // 0.300 × 100000 = 30000 JPY / 150 = 200
    ['USDJPY SELL in profit', 'SELL', '150.305', '150.005', '1', USDJPY, '200.00'], // same move, other side
    ['USDJPY BUY at a loss', 'BUY', '150.105', '149.995', '0.7', USDJPY, '-51.33'], // −0.110 × 70000 = −7700 JPY / 150 = −51.333…
    ['USDJPY smallest move', 'BUY', '149.994', '149.995', '0.01', USDJPY, '0.01'], // 0.001 × 1000 = 1 JPY / 150 = 0.00666…
    // AUDNZD: NZD profit times the NZDUSD mid 0.61005.
    ['AUDNZD BUY, tie', 'BUY', '1.09000', '1.09500', '1', AUDNZD, '305.03'], // 0.005 × 100000 = 500 NZD × 0.61005 = 305.025
    ['AUDNZD SELL in profit', 'SELL', '1.09500', '1.09000', '1', AUDNZD, '305.03'],
    ['AUDNZD SELL at a loss, tie', 'SELL', '1.09000', '1.09500', '1', AUDNZD, '-305.03'], // −305.025 → away from zero
    ['AUDNZD BUY small', 'BUY', '1.09010', '1.09123', '0.25', AUDNZD, '17.23'], // 0.00113 × 25000 = 28.25 NZD × 0.61005 = 17.2339…
  ];

  it.each(cases)('%s: %s %s → %s × %s lots = %s', (_name, side, open, close, volume, inst, expected) => {
    const profit = profitInAccountCurrency(side, f(open), f(close), f(volume), inst, market);
    expect(profit).toBe(expected === undefined ? undefined : f(expected));
  });

  it('is undefined for USDJPY without a USDJPY price', () => {
    expect(profitInAccountCurrency('BUY', f('150'), f('151'), f('1'), USDJPY, marketOf({ BTCUSD: ['1', '1'] }))).toBeUndefined();
  });

  it('is undefined for AUDNZD without a NZDUSD price (the AUDNZD price alone does not convert)', () => {
    const withoutNzdUsd = marketOf({ AUDNZD: ['1.09000', '1.09010'] });
    expect(profitInAccountCurrency('BUY', f('1.09'), f('1.1'), f('1'), AUDNZD, withoutNzdUsd)).toBeUndefined();
  });

  it('needs no price at all for a USD-quoted symbol', () => {
    expect(profitInAccountCurrency('BUY', f('100'), f('101'), f('1'), BTCUSD, noPrices)).toBe(f('1'));
  });
});

describe('required margin: volume × contract × open price / leverage, in USD, rounded to the cent', () => {
  const cases: [string, string, string, number, Instrument, string][] = [
    ['BTCUSD 1 lot, 1:10', '1', '42000.50', 10, BTCUSD, '4200.05'], // 42000.50 / 10
    ['BTCUSD 1 lot, 1:100, tie', '1', '42000.50', 100, BTCUSD, '420.01'], // 420.005 → 420.01
    ['BTCUSD 0.5 lot, 1:10', '0.5', '42000.00', 10, BTCUSD, '2100.00'], // 21000 / 10
    ['BTCUSD 0.1 lot, 1:1', '0.1', '42000.50', 1, BTCUSD, '4200.05'],
    ['EURUSD 1 lot, 1:100', '1', '1.08510', 100, EURUSD, '1085.10'], // 108510 / 100
    ['EURUSD 0.37 lot, 1:500', '0.37', '1.08510', 500, EURUSD, '80.30'], // 37000 × 1.0851 = 40148.7 / 500 = 80.2974
    ['USDJPY 1 lot, 1:100', '1', '150.005', 100, USDJPY, '1000.03'], // 15000500 JPY / 150 = 100003.333… / 100 = 1000.0333…
    ['USDJPY 0.1 lot, 1:500', '0.1', '149.995', 500, USDJPY, '20.00'], // 1499950 JPY / 150 = 9999.666… / 500 = 19.9993…
    ['AUDNZD 1 lot, 1:100', '1', '1.09010', 100, AUDNZD, '665.02'], // 109010 NZD × 0.61005 = 66501.5505 / 100 = 665.015505
    ['XAUUSD 0.1 lot, 1:200', '0.1', '2000.10', 200, XAUUSD, '100.01'], // 0.1 × 100 × 2000.10 = 20001 / 200 = 100.005 → 100.01
  ];

  it.each(cases)('%s at %s', (_name, volume, price, leverage, inst, expected) => {
    expect(requiredMargin(f(volume), f(price), leverage, inst, market)).toBe(f(expected));
  });

  it('is undefined without the conversion price', () => {
    expect(requiredMargin(f('1'), f('150'), 100, USDJPY, noPrices)).toBeUndefined();
    expect(requiredMargin(f('1'), f('1.09'), 100, AUDNZD, marketOf({ AUDNZD: ['1.09000', '1.09010'] }))).toBeUndefined();
  });
});

// Keep the helpers honest: the arithmetic above relies on these mids.
describe('the test market', () => {
  it('has the mids the comments use', () => {
    const m = (symbol: string): Fixed => mid(market.quote(symbol)!);
    expect(m('USDJPY')).toBe(f('150'));
    expect(m('NZDUSD')).toBe(f('0.61005'));
  });
});
