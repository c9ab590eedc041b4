import { existsSync } from 'node:fs';
import { storeInTempDir } from '../../../platform/src/testing/store-in-temp-dir.js';
import { aggregateTicks } from './candle.js';
import { describeCandleStoreContract, tick } from './candle-store.contract.js';
import { SqliteCandleStore } from './sqlite-candle-store.js';

const sqliteCandlesInTempDir = () => storeInTempDir('candles', (file) => new SqliteCandleStore(file));

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
