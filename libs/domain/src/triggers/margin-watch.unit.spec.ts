import { parseFixed } from '../money/fixed.js';
import { MarginWatch, type PriceRange, type WatchedBook } from './margin-watch.js';

const f = parseFixed;

/** A book of accounts and the symbols each depends on (empty: flat). */
function bookOf(dependencies: Record<number, string[]>): WatchedBook & { dependencies: (id: number) => string[] } {
  return {
    dependencies: (accountId) => dependencies[accountId] ?? [],
    accountsWithPositions: () => Object.keys(dependencies).map(Number).filter((id) => dependencies[id]!.length > 0),
  };
}

/** bid and ask each allowed within ±`room` of the quoted bid/ask. */
const range = (symbol: string, bid: string, ask: string, room: string): PriceRange => ({
  symbol,
  bidLow: f(bid) - f(room),
  bidHigh: f(bid) + f(room),
  askLow: f(ask) - f(room),
  askHigh: f(ask) + f(room),
});

describe('a watch that has not seen the book yet', () => {
  it('hands out every account depending on the ticked symbol, and none of the others', () => {
    const watch = new MarginWatch();
    const book = bookOf({ 1: ['EURUSD'], 2: ['BTCUSD'], 3: ['AUDNZD', 'NZDUSD'], 4: [] });
    expect(watch.due('EURUSD', f('1.1'), f('1.1001'), book)).toEqual([1]);
    expect(watch.due('NZDUSD', f('0.6'), f('0.6001'), book)).toEqual([3]);
    expect(watch.due('XAUUSD', f('2000'), f('2000.5'), book)).toEqual([]);
  });

  it('keeps handing out an account that is never banded, at every tick', () => {
    const watch = new MarginWatch();
    const book = bookOf({ 1: ['EURUSD'] });
    for (let i = 0; i < 3; i++) expect(watch.due('EURUSD', f('1.1'), f('1.1001'), book)).toEqual([1]);
  });
});

describe('an account banded at EURUSD 1.10000 / 1.10010 ± 0.00050', () => {
  const banded = () => {
    const watch = new MarginWatch();
    const book = bookOf({ 1: ['EURUSD'], 2: ['EURUSD'] });
    watch.due('EURUSD', f('1.1'), f('1.1001'), book);
    watch.band(1, [range('EURUSD', '1.1', '1.1001', '0.0005')]);
    return { watch, book };
  };

  it('is not due while bid and ask both stay strictly between the higher low edge and the lower high edge (1.0996 … 1.1005)', () => {
    const { watch, book } = banded();
    expect(watch.due('EURUSD', f('1.10039'), f('1.10049'), book)).toEqual([2]); // the unbanded account still is
    expect(watch.due('EURUSD', f('1.09961'), f('1.09971'), book)).toEqual([2]);
    expect(watch.unwatchedCount('EURUSD')).toBe(1);
  });

  it.each([
    ['the bid reaches the low edge', '1.0995', '1.0996'],
    ['the bid reaches the high edge', '1.1005', '1.1005'],
    ['the ask alone leaves the band (a wider spread)', '1.1', '1.1007'],
    ['the ask alone drops below the band', '1.09955', '1.09958'],
    ['the ask reaches the bid\'s high edge (the narrower range is kept)', '1.1004', '1.1005'],
    ['a crossed quote has its bid above the range', '1.1006', '1.1']
  ])('is due when %s, and at every later tick until banded again', (_case, bid, ask) => {
    const { watch, book } = banded();
    expect(watch.due('EURUSD', f(bid), f(ask), book).toSorted()).toEqual([1, 2]);
    expect(watch.due('EURUSD', f('1.1'), f('1.1001'), book).toSorted()).toEqual([1, 2]);
    watch.band(1, [range('EURUSD', '1.1', '1.1001', '0.0005')]);
    expect(watch.due('EURUSD', f('1.1'), f('1.1001'), book)).toEqual([2]);
  });

  it('is due at its next tick after something about it changed, even inside the band', () => {
    const { watch, book } = banded();
    watch.accountChanged(1);
    expect(watch.due('EURUSD', f('1.1'), f('1.1001'), book).toSorted()).toEqual([1, 2]);
  });

  it('is due again after every account was declared changed (a group redefined)', () => {
    const { watch, book } = banded();
    watch.everythingChanged();
    expect(watch.due('EURUSD', f('1.1'), f('1.1001'), book).toSorted()).toEqual([1, 2]);
  });

  it('is no longer listed once it is flat', () => {
    const watch = new MarginWatch();
    const dependencies: Record<number, string[]> = { 1: ['EURUSD'] };
    const book = bookOf(dependencies);
    watch.due('EURUSD', f('1.1'), f('1.1001'), book);
    dependencies[1] = [];
    watch.accountChanged(1);
    expect(watch.due('EURUSD', f('1.1'), f('1.1001'), book)).toEqual([]);
  });
});

describe('an account depending on AUDNZD and on NZDUSD (its conversion pair)', () => {
  it('is due when either price leaves its band, and stays unwatched on a symbol it got no range for', () => {
    const watch = new MarginWatch();
    const book = bookOf({ 7: ['AUDNZD', 'NZDUSD'] });
    watch.due('AUDNZD', f('1.08'), f('1.0801'), book);
    watch.band(7, [range('AUDNZD', '1.08', '1.0801', '0.001'), range('NZDUSD', '0.6', '0.6001', '0.001')]);
    expect(watch.due('AUDNZD', f('1.0805'), f('1.0806'), book)).toEqual([]);
    expect(watch.due('NZDUSD', f('0.6005'), f('0.6006'), book)).toEqual([]);
    expect(watch.due('NZDUSD', f('0.602'), f('0.6021'), book)).toEqual([7]);
    // Breached on one symbol, it is checked at the next tick of the other one too.
    expect(watch.due('AUDNZD', f('1.08'), f('1.0801'), book)).toEqual([7]);

    watch.band(7, [range('AUDNZD', '1.08', '1.0801', '0.001')]);
    expect(watch.due('AUDNZD', f('1.08'), f('1.0801'), book)).toEqual([]);
    expect(watch.due('NZDUSD', f('0.6'), f('0.6001'), book)).toEqual([7]);
  });
});
