/**
 * An account's history as CSV for a spreadsheet (RFC 4180: comma separated, CRLF line ends, fields
 * quoted when they hold a comma, a quote or a line break, quotes doubled).
 *
 * Columns: `revision, position, type, timestamp, correlationId, causationId`, then one column per
 * data field named `data.<path>`, in the order the fields first appear in the history. Nested
 * objects are flattened with dotted paths (`data.quote.bid`, `data.expiration.type`); arrays are
 * written as JSON text (`["BTCUSD","EURUSD"]`); null and absent fields are empty cells. Money,
 * prices and volumes stay the exact decimal strings of the events.
 *
 * Spreadsheet formula injection: a text cell starting with `=`, `+`, `@`, a tab or a carriage
 * return, or with `-` not followed by a number, is prefixed with `'` so it is shown, never run.
 */

export interface AuditEventRow {
  revision: number;
  position: number;
  type: string;
  data: Record<string, unknown>;
  metadata: { timestamp: string; correlationId: string; causationId: string };
}

export const CSV_FIXED_COLUMNS = ['revision', 'position', 'type', 'timestamp', 'correlationId', 'causationId'] as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{a: {b: 1}, c: [1]}` → `[['a.b', 1], ['c', [1]]]`; an empty object is one empty cell under its path. */
export function flatten(data: Record<string, unknown>, prefix = ''): [string, unknown][] {
  const cells: [string, unknown][] = [];
  for (const [key, value] of Object.entries(data)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length > 0) cells.push(...flatten(value, path));
    else cells.push([path, isPlainObject(value) ? null : value]);
  }
  return cells;
}

const NUMERIC = /^-\d/;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return defuse(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return defuse(JSON.stringify(value));
}

function defuse(text: string): string {
  const first = text.charAt(0);
  if (first === '=' || first === '+' || first === '@' || first === '\t' || first === '\r') return `'${text}`;
  if (first === '-' && !NUMERIC.test(text)) return `'${text}`;
  return text;
}

export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: AuditEventRow[]): string {
  const flattened = rows.map((row) => flatten(row.data));
  const dataColumns: string[] = [];
  const seen = new Set<string>();
  for (const cells of flattened) {
    for (const [path] of cells) {
      if (!seen.has(path)) {
        seen.add(path);
        dataColumns.push(path);
      }
    }
  }
  const header = [...CSV_FIXED_COLUMNS, ...dataColumns.map((c) => `data.${c}`)];
  const lines = [header.map(csvField).join(',')];
  rows.forEach((row, i) => {
    const values = new Map(flattened[i]);
    const fixed = [row.revision, row.position, row.type, row.metadata.timestamp, row.metadata.correlationId, row.metadata.causationId];
    const cells = [...fixed.map(cellText), ...dataColumns.map((column) => cellText(values.get(column)))];
    lines.push(cells.map(csvField).join(','));
  });
  return `${lines.join('\r\n')}\r\n`;
}
