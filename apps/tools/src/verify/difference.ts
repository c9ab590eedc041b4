import { isFixedText, parseFixed } from '../../../../libs/domain/src/index.js';

/** What disagrees with what. */
export type DifferenceKind =
  /** The live read models against a fresh projection of the log. */
  | 'read-models'
  /** The live read models against the engine state folded from the log. */
  | 'engine'
  /** A balance against deposits − withdrawals + realized profit − commission + write-offs. */
  | 'money'
  /** The engine snapshot (plus the events after it) against a fold of the whole log. */
  | 'snapshot';

export interface Difference {
  kind: DifferenceKind;
  /** The collection: users, accounts, open orders, … */
  area: string;
  /** The row: an id, or `orderId@position` for closed orders. */
  key: string;
  /** The field path, when one field differs; absent when a whole row is missing or extra. */
  field?: string;
  /** What the reference (the log) says. */
  expected?: unknown;
  /** What the checked side says. */
  actual?: unknown;
  /** Plain words for a missing or extra row, or an explanation. */
  note?: string;
}

/** Fields whose values are never printed (a difference is still reported). */
const SECRET = /password|secret|token/i;

/** Names of both sides per kind, for the printed line. */
const SIDES: Record<DifferenceKind, [expected: string, actual: string]> = {
  'read-models': ['log (fresh projection)', 'read model'],
  engine: ['engine state (log)', 'read model'],
  money: ['from the events', 'balance'],
  snapshot: ['full fold of the log', 'snapshot + events after it'],
};

const show = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value));

export function formatDifference(d: Difference): string {
  const where = `[${d.kind}] ${d.area} ${d.key}${d.field ? ` .${d.field}` : ''}`;
  if (d.field === undefined || d.note !== undefined) return `${where}: ${d.note ?? 'differs'}`;
  const [expectedSide, actualSide] = SIDES[d.kind];
  if (SECRET.test(d.field)) return `${where}: ${actualSide} and ${expectedSide} differ (value not shown)`;
  return `${where}: ${actualSide} ${show(d.actual)}, ${expectedSide} ${show(d.expected)}`;
}

/** Equal JSON values, where two decimal strings are equal when they are the same number ("10" = "10.00"). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && a !== b && isFixedText(a) && isFixedText(b)) return parseFixed(a) === parseFixed(b);
  return a === b;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf path where two JSON documents differ, with both values. */
export function diffDocuments(expected: unknown, actual: unknown, path = ''): { field: string; expected: unknown; actual: unknown }[] {
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) => diffDocuments(expected[key], actual[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    return expected.flatMap((item, i) => diffDocuments(item, actual[i], `${path}[${i}]`));
  }
  if (Array.isArray(expected) || Array.isArray(actual) || isObject(expected) || isObject(actual)) {
    return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [{ field: path, expected, actual }];
  }
  return sameValue(expected, actual) ? [] : [{ field: path, expected, actual }];
}

/**
 * Compares two collections keyed by id: a row only in `expected` is missing, a row only in
 * `actual` is extra, and a row in both is compared field by field.
 */
export function compareKeyed<T>(
  kind: DifferenceKind,
  area: string,
  expected: Map<string, T>,
  actual: Map<string, T>,
  project: (row: T) => unknown = (row) => row,
): Difference[] {
  const differences: Difference[] = [];
  for (const [key, row] of expected) {
    const other = actual.get(key);
    if (other === undefined) {
      differences.push({ kind, area, key, note: `missing: the ${SIDES[kind][1]} has no such row` });
      continue;
    }
    for (const d of diffDocuments(project(row), project(other))) differences.push({ kind, area, key, ...d });
  }
  for (const key of actual.keys()) {
    if (!expected.has(key)) differences.push({ kind, area, key, note: `extra: the ${SIDES[kind][1]} has a row the ${SIDES[kind][0]} does not` });
  }
  return differences;
}

/** Rows by key; a key seen again becomes `key#2`, `key#3`, … so a duplicated row shows up as an extra one. */
export function keyed<T>(rows: Iterable<T>, key: (row: T) => string | number): Map<string, T> {
  const map = new Map<string, T>();
  for (const row of rows) {
    const base = String(key(row));
    let name = base;
    for (let n = 2; map.has(name); n += 1) name = `${base}#${n}`;
    map.set(name, row);
  }
  return map;
}
