import { bucketStart, INTERVAL_MS, mergeCandles, type Candle, type CandleInterval } from './candle.js';

/**
 * MetaTrader timeframes (as MetaApi names them) on top of the stored intervals: each is rolled up
 * from the coarsest stored interval that divides it (30m from 15m, 4h from 1h, 1w and 1mn from 1d).
 */
export const METATRADER_TIMEFRAMES = [
  '1m', '2m', '3m', '4m', '5m', '6m', '10m', '12m', '15m', '20m', '30m',
  '1h', '2h', '3h', '4h', '6h', '8h', '12h', '1d', '1w', '1mn',
] as const;
export type MetatraderTimeframe = (typeof METATRADER_TIMEFRAMES)[number];

export interface Timeframe {
  name: string;
  /** The stored interval its bars are made of. */
  base: CandleInterval;
  /** The start of the bar containing `time`. */
  barStart(time: number): number;
  /** The start of the bar after the one starting at `start`. */
  nextBar(start: number): number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** 1970-01-04 was the first Sunday: MetaTrader's weekly bars open on Sunday 00:00. */
const FIRST_SUNDAY = 3 * DAY;

function fixed(name: string, ms: number, base: CandleInterval): Timeframe {
  return { name, base, barStart: (t) => bucketStart(t, ms), nextBar: (s) => s + ms };
}

function baseFor(minutes: number): CandleInterval {
  if (minutes % 1440 === 0) return '1d';
  if (minutes % 60 === 0) return '1h';
  if (minutes % 15 === 0) return '15m';
  if (minutes % 5 === 0) return '5m';
  return '1m';
}

const TIMEFRAMES = new Map<string, Timeframe>();
for (const name of METATRADER_TIMEFRAMES) {
  const match = /^(\d+)(m|h|d)$/.exec(name);
  if (match) {
    const minutes = Number(match[1]) * (match[2] === 'm' ? 1 : match[2] === 'h' ? 60 : 1440);
    TIMEFRAMES.set(name, fixed(name, minutes * MINUTE, baseFor(minutes)));
  }
}
TIMEFRAMES.set('1w', {
  name: '1w',
  base: '1d',
  barStart: (t) => bucketStart(t - FIRST_SUNDAY, 7 * DAY) + FIRST_SUNDAY,
  nextBar: (s) => s + 7 * DAY,
});
TIMEFRAMES.set('1mn', {
  name: '1mn',
  base: '1d',
  barStart: (t) => {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  },
  nextBar: (s) => {
    const d = new Date(s);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  },
});

export function findTimeframe(name: string): Timeframe | undefined {
  return TIMEFRAMES.get(name);
}

/** A timeframe that is one of the stored intervals needs no roll-up. */
export function isStoredInterval(timeframe: Timeframe): boolean {
  return timeframe.name === timeframe.base;
}

/** Merges base-interval candles (oldest first) into the timeframe's bars, oldest first. */
export function rollUp(candles: readonly Candle[], timeframe: Timeframe): Candle[] {
  const bars: Candle[] = [];
  for (const candle of candles) {
    const start = timeframe.barStart(candle.start);
    const last = bars[bars.length - 1];
    const piece = { ...candle, interval: timeframe.name, start };
    if (last && last.start === start) bars[bars.length - 1] = mergeCandles(last, piece);
    else bars.push(piece);
  }
  return bars;
}
