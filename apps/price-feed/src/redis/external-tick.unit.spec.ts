import { fixedToString } from '../../../../libs/domain/src/index.js';
import { externalTick } from './external-tick.js';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const fields = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('an external tick stream entry', () => {
  it('with symbol, bid, ask and time becomes an exact tick stamped redis', () => {
    const result = externalTick(fields({ symbol: 'XAUUSD', bid: '2351.40', ask: '2351.70', time: String(NOW - 250) }), NOW);
    expect(result.ok && { ...result.tick, bid: fixedToString(result.tick.bid), ask: fixedToString(result.tick.ask) }).toEqual({
      symbol: 'XAUUSD',
      bid: '2351.4',
      ask: '2351.7',
      time: NOW - 250,
      feed: 'redis',
    });
  });

  it('without a time is stamped with the time it is read', () => {
    const result = externalTick(fields({ symbol: 'BTCUSD', bid: '65000', ask: '65001' }), NOW);
    expect(result.ok && result.tick.time).toBe(NOW);
  });

  it('from a publisher whose clock runs ahead is taken as now', () => {
    const result = externalTick(fields({ symbol: 'BTCUSD', bid: '65000', ask: '65001', time: String(NOW + 60_000) }), NOW);
    expect(result.ok && result.tick.time).toBe(NOW);
  });

  it.each([
    [{ symbol: 'BTCUSD', bid: '65000', ask: '65001', time: '2026-03-02' }, 'time "2026-03-02" is not epoch milliseconds'],
    [{ symbol: 'EURUSD', bid: '1.085123', ask: '1.08520' }, 'EURUSD prices must have at most 5 decimals'],
    [{ bid: '1', ask: '2' }, 'unknown symbol undefined'],
  ])('%j is refused: %s', (entry, problem) => {
    expect(externalTick(fields(entry), NOW)).toEqual({ ok: false, problem });
  });
});
