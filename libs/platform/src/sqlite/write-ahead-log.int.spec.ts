import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { useWriteAheadLog } from './write-ahead-log.js';

/** Another process holding the file's exclusive lock for `ms`; resolves once it holds it. */
function holdExclusiveLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('CREATE TABLE IF NOT EXISTS t (x)');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('INSERT INTO t VALUES (1)');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve({ released }));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the locking process exited (${code}) before it held the lock`)));
  });
}

describe('a fresh SQLite file another process holds exclusively for a moment', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tradestream-wal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a plain switch to WAL at once (SQLITE_BUSY), which is what the retry is for', async () => {
    const file = join(dir, 'plain.sqlite');
    const { released } = await holdExclusiveLock(file, 300);
    const db = new Database(file, { timeout: 0 });
    expect(() => db.pragma('journal_mode = WAL')).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_BUSY/) }));
    db.close();
    await released;
  });

  it('is switched to WAL once the lock is released, the retries waiting for it', async () => {
    const file = join(dir, 'retried.sqlite');
    const { released } = await holdExclusiveLock(file, 300);
    const db = new Database(file, { timeout: 0 });
    useWriteAheadLog(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1); // after the holder's commit
    db.close();
    await released;
  });
});
