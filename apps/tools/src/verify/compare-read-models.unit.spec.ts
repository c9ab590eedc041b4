import { compareReadModels } from './compare-read-models.js';
import { diffDocuments, formatDifference, keyed, sameValue } from './difference.js';
import type { ReadModelDump } from './read-model-dump.js';

const account = (balance: string, margin = '0') => ({ accountId: 100001, userId: 1, name: 'Main', group: 'demo', currency: 'USD', leverage: 100, balance, margin, openedAt: 't' });

function dump(overrides: Partial<Record<string, Record<string, unknown>[]>> = {}, checkpoint = 9): ReadModelDump {
  const rows = (table: string, key: (d: Record<string, unknown>) => string, docs: Record<string, unknown>[]) => ({ [table]: docs.map((doc) => ({ key: key(doc), doc })) });
  return {
    checkpoint,
    tables: {
      ...rows('users', (d) => String(d.userId), overrides.users ?? [{ userId: 1, email: 'a@example.com', passwordHash: 'h', registeredAt: 't' }]),
      ...rows('accounts', (d) => String(d.accountId), overrides.accounts ?? [account('10000', '2100.5')]),
      ...rows('open_orders', (d) => String(d.orderId), overrides.open_orders ?? [{ orderId: 1000001, accountId: 100001, volume: '0.5', margin: '2100.5' }]),
      ...rows('closed_orders', (d) => `${String(d.orderId)}@${String(d.position)}`, overrides.closed_orders ?? [{ orderId: 1000000, position: 4, profit: '1' }]),
      ...rows('groups', (d) => String(d.name), overrides.groups ?? []),
    },
  };
}

describe('read models equal to a fresh projection of the log', () => {
  it('show no difference', () => {
    expect(compareReadModels(dump(), dump())).toEqual([]);
  });

  it('show none when a decimal is written with other trailing zeros', () => {
    expect(compareReadModels(dump(), dump({ accounts: [account('10000.00', '2100.50')] }))).toEqual([]);
  });
});

describe('read models with a tampered balance', () => {
  it('report the account, the field and both values', () => {
    const differences = compareReadModels(dump(), dump({ accounts: [account('99999', '2100.5')] }));
    expect(differences).toEqual([{ kind: 'read-models', area: 'accounts', key: '100001', field: 'balance', expected: '10000', actual: '99999' }]);
    expect(formatDifference(differences[0]!)).toBe('[read-models] accounts 100001 .balance: read model "99999", log (fresh projection) "10000"');
  });
});

describe('read models missing a row, holding an extra one, or a row twice', () => {
  it('report each as missing or extra', () => {
    const differences = compareReadModels(
      dump(),
      dump({
        open_orders: [],
        closed_orders: [
          { orderId: 1000000, position: 4, profit: '1' },
          { orderId: 1000000, position: 4, profit: '1' },
        ],
        groups: [{ name: 'ghost' }],
      }),
    );
    expect(differences.map((d) => [d.area, d.key, d.note?.split(':')[0]])).toEqual([
      ['closed orders', '1000000@4#2', 'extra'],
      ['groups', 'ghost', 'extra'],
      ['open orders', '1000001', 'missing'],
    ]);
  });
});

describe('read models behind the log', () => {
  it('report the checkpoint', () => {
    const [difference] = compareReadModels(dump({}, 9), dump({}, 7));
    expect(difference).toMatchObject({ area: 'checkpoint', expected: 9, actual: 7 });
    expect(formatDifference(difference!)).toContain('stop at position 7, the log goes on to 9');
  });
});

describe('a read model table the log does not produce', () => {
  it('is compared like the others', () => {
    const expected = dump();
    const actual = dump();
    actual.tables.deals = [{ key: '12', doc: { dealId: 12 } }];
    expect(compareReadModels(expected, actual)).toEqual([expect.objectContaining({ area: 'deals', key: '12', note: expect.stringContaining('extra') })]);
  });
});

describe('a difference in a password hash', () => {
  it('is reported without printing either value', () => {
    const [difference] = compareReadModels(dump(), dump({ users: [{ userId: 1, email: 'a@example.com', passwordHash: 'other', registeredAt: 't' }] }));
    const line = formatDifference(difference!);
    expect(line).toContain('users 1 .passwordHash');
    expect(line).not.toMatch(/"h"|other/);
  });
});

describe('documents', () => {
  it('differ at every leaf path that differs, nested and in arrays', () => {
    expect(diffDocuments({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { b: 2, c: [1, 3] }, e: 'y' })).toEqual([
      { field: 'a.b', expected: 1, actual: 2 },
      { field: 'a.c[1]', expected: 2, actual: 3 },
      { field: 'd', expected: 'x', actual: undefined },
      { field: 'e', expected: undefined, actual: 'y' },
    ]);
  });

  it('compare decimal strings as numbers and everything else exactly', () => {
    expect(sameValue('1.50', '1.5')).toBe(true);
    expect(sameValue('1.5', '1.51')).toBe(false);
    expect(sameValue('abc', 'ABC')).toBe(false);
    expect(sameValue(1, '1')).toBe(false);
  });

  it('keep duplicated keys apart', () => {
    expect([...keyed([{ id: 1 }, { id: 1 }, { id: 2 }], (r) => r.id).keys()]).toEqual(['1', '1#2', '2']);
  });
});
