import { CSV_FIXED_COLUMNS, csvField, flatten, toCsv, type AuditEventRow } from './audit-csv.js';

const meta = { timestamp: '2026-03-03T10:30:00.000Z', correlationId: 'req-1', causationId: 'cmd-1' };

const rows: AuditEventRow[] = [
  { revision: 0, position: 2, type: 'AccountOpened', data: { accountId: 100001, name: 'Main, "demo"', leverage: 100 }, metadata: meta },
  {
    revision: 1,
    position: 5,
    type: 'PositionOpened',
    data: { accountId: 100001, volume: '0.5', takeProfit: null, quote: { bid: '42000', ask: '42010' }, tags: ['a', 'b'], comment: '=HYPERLINK("x")' },
    metadata: { ...meta, correlationId: 'req-2' },
  },
  { revision: 2, position: 9, type: 'PositionClosed', data: { accountId: 100001, profit: '-30.02', comment: 'line\nbreak' }, metadata: meta },
];

function parseCsv(text: string): string[][] {
  // A small RFC 4180 reader, enough to read back what toCsv wrote.
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return records;
}

describe('an account history as CSV', () => {
  it('has a header row of the fixed columns, then one data.<path> column per field in order of first appearance', () => {
    const [header] = parseCsv(toCsv(rows));
    expect(header).toEqual([
      ...CSV_FIXED_COLUMNS,
      'data.accountId',
      'data.name',
      'data.leverage',
      'data.volume',
      'data.takeProfit',
      'data.quote.bid',
      'data.quote.ask',
      'data.tags',
      'data.comment',
      'data.profit',
    ]);
  });

  it('writes one row per event with nested fields flattened, arrays as JSON, nulls and absent fields empty', () => {
    const [header, , second, third] = parseCsv(toCsv(rows));
    const cell = (row: string[], column: string) => row[header!.indexOf(column)];
    expect(second!.slice(0, 6)).toEqual(['1', '5', 'PositionOpened', '2026-03-03T10:30:00.000Z', 'req-2', 'cmd-1']);
    expect(cell(second!, 'data.quote.bid')).toBe('42000');
    expect(cell(second!, 'data.tags')).toBe('["a","b"]');
    expect(cell(second!, 'data.takeProfit')).toBe('');
    expect(cell(second!, 'data.name')).toBe('');
    expect(cell(third!, 'data.profit')).toBe('-30.02');
  });

  it('quotes commas, quotes and line breaks so a spreadsheet reads the exact text back', () => {
    const [header, first, , third] = parseCsv(toCsv(rows));
    expect(first![header!.indexOf('data.name')]).toBe('Main, "demo"');
    expect(third![header!.indexOf('data.comment')]).toBe('line\nbreak');
    expect(csvField('a,b')).toBe('"a,b"');
  });

  it('defuses text a spreadsheet would run as a formula, and leaves negative amounts as numbers', () => {
    const [header, , second, third] = parseCsv(toCsv(rows));
    expect(second![header!.indexOf('data.comment')]).toBe(`'=HYPERLINK("x")`);
    expect(third![header!.indexOf('data.profit')]).toBe('-30.02');
  });

  it('ends every line with CRLF and is only a header for an empty history', () => {
    expect(toCsv([])).toBe(`${CSV_FIXED_COLUMNS.join(',')}\r\n`);
    expect(toCsv(rows).split('\r\n')).toHaveLength(rows.length + 2);
  });
});

describe('nested event data', () => {
  it('flattens to dotted paths, keeping an empty object as one empty cell', () => {
    expect(flatten({ a: { b: 1, c: { d: 'x' } }, e: {}, f: [1] })).toEqual([
      ['a.b', 1],
      ['a.c.d', 'x'],
      ['e', null],
      ['f', [1]],
    ]);
  });
});
