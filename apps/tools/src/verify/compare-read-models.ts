import { compareKeyed, keyed, type Difference } from './difference.js';
import type { ReadModelDump } from './read-model-dump.js';

/** Table names as people say them. */
const AREAS: Record<string, string> = {
  users: 'users',
  accounts: 'accounts',
  open_orders: 'open orders',
  pending_orders: 'pending orders',
  closed_orders: 'closed orders',
  history_orders: 'order history',
  deals: 'deals',
  groups: 'groups',
};

/**
 * The live read models against a fresh projection of the same log: every user, account (with
 * balance and margin), open order, pending order, closed order, group (and every other read model
 * the store keeps) must be there with the same fields, nothing else may be; and the checkpoint must
 * be the head of the log.
 */
export function compareReadModels(expected: ReadModelDump, actual: ReadModelDump): Difference[] {
  const kind = 'read-models' as const;
  const differences: Difference[] = [];
  if (expected.checkpoint !== actual.checkpoint) {
    differences.push({
      kind,
      area: 'checkpoint',
      key: 'position',
      field: 'position',
      expected: expected.checkpoint,
      actual: actual.checkpoint,
      note:
        actual.checkpoint < expected.checkpoint
          ? `the read models stop at position ${actual.checkpoint}, the log goes on to ${expected.checkpoint}`
          : `the read models claim position ${actual.checkpoint}, beyond the end of the log (${expected.checkpoint})`,
    });
  }
  const tables = [...new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)])].sort();
  for (const table of tables) {
    const area = AREAS[table] ?? table;
    if (!actual.tables[table]) {
      differences.push({ kind, area, key: '*', note: `the read models have no ${table} table` });
      continue;
    }
    differences.push(
      ...compareKeyed(
        kind,
        area,
        keyed(expected.tables[table] ?? [], (row) => row.key),
        keyed(actual.tables[table]!, (row) => row.key),
        (row) => row.doc,
      ),
    );
  }
  return differences;
}
