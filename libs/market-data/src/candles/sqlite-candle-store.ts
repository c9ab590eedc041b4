import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { useWriteAheadLog } from '../../../platform/src/sqlite/write-ahead-log.js';
import { fixedToString, parseFixed } from '../../../domain/src/index.js';
import { candleKey, mergeCandles, type Candle } from './candle.js';
import type { CandleQuery, CandleStore } from './candle-store.port.js';

// Prices as exact decimal strings (the form events use); times as epoch ms.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS candles (
    symbol     TEXT    NOT NULL,
    interval   TEXT    NOT NULL,
    start      INTEGER NOT NULL,
    open       TEXT    NOT NULL,
    high       TEXT    NOT NULL,
    low        TEXT    NOT NULL,
    close      TEXT    NOT NULL,
    ticks      INTEGER NOT NULL,
    open_time  INTEGER NOT NULL,
    close_time INTEGER NOT NULL,
    min_spread TEXT    NOT NULL,
    PRIMARY KEY (symbol, interval, start)
  ) WITHOUT ROWID;
`;

interface Row {
  symbol: string;
  interval: string;
  start: number;
  open: string;
  high: string;
  low: string;
  close: string;
  ticks: number;
  open_time: number;
  close_time: number;
  min_spread: string;
}

const fromRow = (r: Row): Candle => ({
  symbol: r.symbol,
  interval: r.interval,
  start: r.start,
  open: parseFixed(r.open),
  high: parseFixed(r.high),
  low: parseFixed(r.low),
  close: parseFixed(r.close),
  ticks: r.ticks,
  openTime: r.open_time,
  closeTime: r.close_time,
  minSpread: parseFixed(r.min_spread),
});

const toRow = (c: Candle): Row => ({
  symbol: c.symbol,
  interval: c.interval,
  start: c.start,
  open: fixedToString(c.open),
  high: fixedToString(c.high),
  low: fixedToString(c.low),
  close: fixedToString(c.close),
  ticks: c.ticks,
  open_time: c.openTime,
  close_time: c.closeTime,
  min_spread: fixedToString(c.minSpread),
});

/**
 * Candles of the embedded deployment, in their own SQLite file in DATA_DIR (WAL). One merge is one
 * transaction: read the bars it touches, merge, write back.
 */
export class SqliteCandleStore implements CandleStore {
  private readonly db: Database.Database;
  private readonly selectOne: Database.Statement<[string, string, number], Row>;
  private readonly upsert: Database.Statement<Row>;
  private readonly oldest: Database.Statement<[string, string, number, number, number], Row>;
  private readonly newest: Database.Statement<[string, string, number, number, number], Row>;
  private readonly mergeAll: (partials: readonly Candle[]) => void;

  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    useWriteAheadLog(this.db);
    // A lost last batch of a crash costs a few ticks of a bar, never a wrong price: NORMAL is enough.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.selectOne = this.db.prepare('SELECT * FROM candles WHERE symbol = ? AND interval = ? AND start = ?');
    this.upsert = this.db.prepare(`
      INSERT INTO candles (symbol, interval, start, open, high, low, close, ticks, open_time, close_time, min_spread)
      VALUES (@symbol, @interval, @start, @open, @high, @low, @close, @ticks, @open_time, @close_time, @min_spread)
      ON CONFLICT (symbol, interval, start) DO UPDATE SET
        open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, ticks = excluded.ticks,
        open_time = excluded.open_time, close_time = excluded.close_time, min_spread = excluded.min_spread`);
    const range = 'SELECT * FROM candles WHERE symbol = ? AND interval = ? AND start >= ? AND start <= ?';
    this.oldest = this.db.prepare(`${range} ORDER BY start ASC LIMIT ?`);
    this.newest = this.db.prepare(`${range} ORDER BY start DESC LIMIT ?`);
    this.mergeAll = this.db.transaction((partials: readonly Candle[]) => {
      // Partials of the same bar within one call are folded first, in the order given.
      const folded = new Map<string, Candle>();
      for (const p of partials) {
        const key = candleKey(p);
        const known = folded.get(key);
        folded.set(key, known ? mergeCandles(known, p) : p);
      }
      for (const partial of folded.values()) {
        const stored = this.selectOne.get(partial.symbol, partial.interval, partial.start);
        this.upsert.run(toRow(stored ? mergeCandles(fromRow(stored), partial) : partial));
      }
    });
  }

  async merge(partials: readonly Candle[]): Promise<void> {
    if (partials.length > 0) this.mergeAll(partials);
  }

  async candles(query: CandleQuery): Promise<Candle[]> {
    const args = [query.symbol, query.interval, query.from, query.to, query.limit] as const;
    if (query.keep === 'oldest') return this.oldest.all(...args).map(fromRow);
    return this.newest.all(...args).map(fromRow).reverse();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
