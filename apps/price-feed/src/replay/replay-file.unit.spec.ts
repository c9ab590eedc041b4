import { formatOf, parseReplayLine, parseTime } from './replay-file.js';

describe('a CSV replay line', () => {
  it('gives the time, symbol and prices as written', () => {
    expect(parseReplayLine('2026-03-02T10:00:05.120Z,BTCUSD,65010.50,65025.50', 7, 'csv')).toEqual({
      kind: 'tick',
      tick: { time: Date.parse('2026-03-02T10:00:05.120Z'), symbol: 'BTCUSD', bid: '65010.50', ask: '65025.50', line: 7 },
    });
  });

  it('may carry epoch milliseconds', () => {
    expect(parseReplayLine('1772445605120, EURUSD , 1.08512 ,1.08520', 1, 'csv')).toMatchObject({ kind: 'tick', tick: { time: 1772445605120, symbol: 'EURUSD', bid: '1.08512' } });
  });

  it.each(['', '   ', '# a comment', 'time,symbol,bid,ask', 'TIME,SYMBOL,BID,ASK'])('%j is skipped', (line) => {
    expect(parseReplayLine(line, 1, 'csv')).toEqual({ kind: 'skip' });
  });

  it.each([
    ['2026-03-02T10:00:05Z,BTCUSD,1', 'expected 4 columns time,symbol,bid,ask, got 3'],
    ['yesterday,BTCUSD,1,2', 'time "yesterday" is neither epoch ms nor ISO-8601 with a zone'],
    ['2026-03-02T10:00:05,BTCUSD,1,2', 'time "2026-03-02T10:00:05" is neither epoch ms nor ISO-8601 with a zone'],
    ['2026-03-02T10:00:05Z,,1,2', 'no symbol'],
  ])('%j is invalid: %s', (line, reason) => {
    expect(parseReplayLine(line, 3, 'csv')).toEqual({ kind: 'invalid', line: 3, reason });
  });
});

describe('a JSON replay line', () => {
  it('gives the same tick, prices as strings or JSON numbers', () => {
    expect(parseReplayLine('{"time":"2026-03-02T10:00:05.120Z","symbol":"ETHUSD","bid":"3201.15","ask":3201.65}', 2, 'jsonl')).toEqual({
      kind: 'tick',
      tick: { time: Date.parse('2026-03-02T10:00:05.120Z'), symbol: 'ETHUSD', bid: '3201.15', ask: 3201.65, line: 2 },
    });
  });

  it.each([
    ['{"time":1,', 'not JSON'],
    ['[1]', 'not a JSON object'],
    ['{"time":1.5,"symbol":"BTCUSD","bid":"1","ask":"2"}', 'time 1.5 is neither epoch ms nor ISO-8601 with a zone'],
  ])('%j is invalid: %s', (line, reason) => {
    expect(parseReplayLine(line, 1, 'jsonl')).toEqual({ kind: 'invalid', line: 1, reason });
  });
});

describe('a replay file name', () => {
  it('chooses JSON lines for .jsonl, .ndjson and .json, CSV otherwise', () => {
    expect(['a.jsonl', 'b.NDJSON', 'c.json', 'd.csv', 'e.txt'].map(formatOf)).toEqual(['jsonl', 'jsonl', 'jsonl', 'csv', 'csv']);
  });
});

describe('a time in a replay file', () => {
  it('is read from ISO-8601 with an offset', () => {
    expect(parseTime('2026-03-02T11:00:00+01:00')).toBe(Date.parse('2026-03-02T10:00:00Z'));
    expect(parseTime(0)).toBeUndefined();
  });
});
