import { fixedToString, parseFixed, type Quote } from '../../../domain/src/index.js';
import { aggregateTicks } from './candle.js';
import { findTimeframe, isStoredInterval, METATRADER_TIMEFRAMES, rollUp } from './timeframes.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const tick = (time: string, bid: string): Quote => ({ symbol: 'BTCUSD', bid: parseFixed(bid), ask: parseFixed(bid) + 100n, time: at(time) });

describe('the MetaTrader timeframes', () => {
  it('are all known, each made of a stored interval that divides it', () => {
    for (const name of METATRADER_TIMEFRAMES) expect(findTimeframe(name)?.name).toBe(name);
    expect(
      Object.fromEntries(['2m', '10m', '30m', '4h', '1d', '1w', '1mn'].map((n) => [n, findTimeframe(n)!.base])),
    ).toEqual({ '2m': '1m', '10m': '5m', '30m': '15m', '4h': '1h', '1d': '1d', '1w': '1d', '1mn': '1d' });
    expect(findTimeframe('7m')).toBeUndefined();
    expect(isStoredInterval(findTimeframe('15m')!)).toBe(true);
    expect(isStoredInterval(findTimeframe('30m')!)).toBe(false);
  });

  it('open weekly bars on Sunday 00:00 UTC and monthly bars on the 1st', () => {
    // 2026-03-04 is a Wednesday; the Sunday before is 2026-03-01.
    expect(iso(findTimeframe('1w')!.barStart(at('2026-03-04T12:00:00.000Z')))).toBe('2026-03-01T00:00:00.000Z');
    expect(iso(findTimeframe('1w')!.barStart(at('2026-03-01T00:00:00.000Z')))).toBe('2026-03-01T00:00:00.000Z');
    expect(iso(findTimeframe('1mn')!.barStart(at('2026-02-28T23:59:59.999Z')))).toBe('2026-02-01T00:00:00.000Z');
    expect(iso(findTimeframe('1mn')!.nextBar(at('2026-12-01T00:00:00.000Z')))).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('1m bars rolled up into 2m bars', () => {
  it('merge pairs of minutes with the first open, the extremes and the last close', () => {
    const minutes = aggregateTicks(
      [
        tick('2026-03-02T10:00:05.000Z', '100'),
        tick('2026-03-02T10:00:30.000Z', '103'),
        tick('2026-03-02T10:01:10.000Z', '98.5'),
        tick('2026-03-02T10:01:50.000Z', '101'),
        tick('2026-03-02T10:03:00.000Z', '104.25'),
      ],
      ['1m'],
    );
    const bars = rollUp(minutes, findTimeframe('2m')!).map((b) => ({
      time: iso(b.start),
      interval: b.interval,
      open: fixedToString(b.open),
      high: fixedToString(b.high),
      low: fixedToString(b.low),
      close: fixedToString(b.close),
      ticks: b.ticks,
    }));
    expect(bars).toEqual([
      { time: '2026-03-02T10:00:00.000Z', interval: '2m', open: '100', high: '103', low: '98.5', close: '101', ticks: 4 },
      { time: '2026-03-02T10:02:00.000Z', interval: '2m', open: '104.25', high: '104.25', low: '104.25', close: '104.25', ticks: 1 },
    ]);
  });
});
