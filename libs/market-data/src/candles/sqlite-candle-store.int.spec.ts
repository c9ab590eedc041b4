import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateTicks } from './candle.js';
import { describeCandleStoreContract, tick } from './candle-store.contract.js';
import { SqliteCandleStore } from './sqlite-candle-store.js';

function sqliteCandlesInTempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'candles-'));
  const file = join(dir, 'nested', 'candles.sqlite');
  let store = new SqliteCandleStore(file);
  return {
    file,
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = new SqliteCandleStore(file);
      return store;
    },
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeCandleStoreContract('SqliteCandleStore', async () => sqliteCandlesInTempDir());

describe('a new SQLite candle store', () => {
  it('creates its file, parent directory included, and keeps prices as exact decimal text', async () => {
    const fixture = sqliteCandlesInTempDir();
    try {
      await fixture.store.merge(aggregateTicks([tick('2026-03-02T10:00:05.000Z', '1.08512', '1.0852', 'EURUSD')], ['1m']));
      expect(existsSync(fixture.file)).toBe(true);
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(fixture.file, { readonly: true });
      try {
        expect(db.prepare('SELECT open, min_spread FROM candles').get()).toEqual({ open: '1.08512', min_spread: '0.00008' });
      } finally {
        db.close();
      }
    } finally {
      await fixture.cleanup();
    }
  });
});
