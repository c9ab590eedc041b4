import type Database from 'better-sqlite3';

const RETRY_MS = 20;
const GIVE_UP_AFTER_MS = 10_000;

const isBusy = (error: unknown) => (error as { code?: string } | null)?.code?.startsWith('SQLITE_BUSY') === true;

/**
 * Puts the database in WAL mode. Switching needs a moment of exclusive access, and processes
 * opening a fresh file together (engine, projector and API of a distributed start) can find it
 * busy without SQLite's busy handler ever being called: the pragma then fails at once with
 * SQLITE_BUSY. WAL mode is stored in the file, so once one of them succeeded the others find it
 * set; until then each retries (a blocking wait: this runs once, while a store opens).
 */
export function useWriteAheadLog(db: Database.Database): void {
  const started = Date.now();
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() - started > GIVE_UP_AFTER_MS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
    }
  }
}
