import { fixedToString } from '../../../libs/domain/src/index.js';
import { checkTick, decimalText, RefusalLog } from './tick-validation.js';

const TIME = Date.parse('2026-03-02T10:00:00.000Z');

function shown(result: ReturnType<typeof checkTick>) {
  return result.ok ? { ...result.tick, bid: fixedToString(result.tick.bid), ask: fixedToString(result.tick.ask) } : result;
}

describe('a tick with more decimals than the instrument has', () => {
  it('is rounded bid down and ask up when rounding (the spread never narrows)', () => {
    expect(shown(checkTick({ symbol: 'BTCUSD', bid: '65010.51900000', ask: '65010.52100000', time: TIME }, 'binance', 'round'))).toEqual({
      symbol: 'BTCUSD',
      bid: '65010.51',
      ask: '65010.53',
      time: TIME,
      feed: 'binance',
    });
  });

  it('keeps ask ≥ bid after rounding even when both round into one point', () => {
    const result = shown(checkTick({ symbol: 'SOLUSD', bid: '150.1234', ask: '150.1236', time: TIME }, 'binance', 'round'));
    expect(result).toMatchObject({ bid: '150.123', ask: '150.124' });
  });

  it('is refused when strict', () => {
    expect(checkTick({ symbol: 'EURUSD', bid: '1.085123', ask: '1.08520', time: TIME }, 'redis', 'strict')).toEqual({ ok: false, problem: 'EURUSD prices must have at most 5 decimals' });
  });
});

describe('a tick at the instrument digits', () => {
  it('passes with trailing zeros and is stamped with its feed', () => {
    expect(shown(checkTick({ symbol: 'EURUSD', bid: '1.08510000', ask: '1.0852', time: TIME }, 'redis', 'strict'))).toEqual({ symbol: 'EURUSD', bid: '1.0851', ask: '1.0852', time: TIME, feed: 'redis' });
  });
});

describe('a tick that makes no sense', () => {
  it.each([
    [{ symbol: 'DOGEUSD', bid: '1', ask: '2' }, 'unknown symbol "DOGEUSD"'],
    [{ symbol: 'BTCUSD', bid: '1e5', ask: '2' }, 'bid "1e5" is not a decimal number'],
    [{ symbol: 'BTCUSD', bid: '1', ask: 'abc' }, 'ask "abc" is not a decimal number'],
    [{ symbol: 'BTCUSD', bid: '0', ask: '1' }, 'prices must be positive'],
    [{ symbol: 'BTCUSD', bid: '-1', ask: '1' }, 'prices must be positive'],
    [{ symbol: 'BTCUSD', bid: '2', ask: '1' }, 'ask is below bid'],
  ])('%j is refused: %s', (raw, problem) => {
    expect(checkTick({ ...raw, time: TIME }, 'redis', 'strict')).toEqual({ ok: false, problem });
  });

  it('with a time that is not whole epoch ms is refused', () => {
    expect(checkTick({ symbol: 'BTCUSD', bid: '1', ask: '2', time: 1.5 }, 'redis', 'strict')).toEqual({ ok: false, problem: 'time 1.5 is not epoch milliseconds' });
  });
});

describe('decimal text', () => {
  it('reads strings exactly and JSON numbers by their shortest literal', () => {
    expect(decimalText(' 65010.50 ')).toBe(6_501_050_000_000n);
    expect(decimalText(0.1)).toBe(10_000_000n);
    expect(decimalText('1.123456789')).toBeUndefined();
    expect(decimalText(Number.NaN)).toBeUndefined();
    expect(decimalText(null)).toBeUndefined();
  });
});

describe('a feed refusing many ticks', () => {
  it('logs the first five, then one line per thousand', () => {
    const lines: unknown[] = [];
    const log = new RefusalLog((fields) => lines.push(fields));
    for (let i = 0; i < 2_500; i += 1) log.refused('bad');
    expect(lines).toHaveLength(7);
    expect(log.total).toBe(2_500);
  });
});
