/**
 * A worker thread that reads a replay's pages ahead of the thread folding them (ReplayPrefetcher):
 * SQLite's stepping and the joining of each page into one text run here, on the other core, and
 * only that text crosses over. It reads consecutive pages from `after` on, at most `ahead` of them
 * not yet taken, and ends after the first empty page (or the first failure, which it reports).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { REPLAY_PAGE_SQL, type ReplayPageQuery, type ReplayPageRow } from './replay-page.js';
import type { FromPrefetch, PrefetchData } from './replay-prefetcher.js';

if (!parentPort) throw new Error('replay-prefetch.worker.js runs as a worker thread of a SqliteEventStore, not on its own');
const port = parentPort;
const { file, query: first, ahead } = workerData as PrefetchData;
const post = (message: FromPrefetch) => port.postMessage(message);

try {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  const read = db.prepare<[ReplayPageQuery], ReplayPageRow>(REPLAY_PAGE_SQL).raw(true);
  let query = first;
  let untaken = 0;
  // Nothing more to send: the thread ends once its last pages are delivered.
  const finish = () => {
    if (db.open) db.close();
    port.removeAllListeners('message');
    port.unref();
  };
  const pump = () => {
    try {
      while (untaken < ahead) {
        const [last, page] = read.get(query) ?? [null, null];
        post({ kind: 'page', after: query.after, page });
        untaken++;
        if (last === null) return finish();
        query = { ...query, after: last };
      }
    } catch (error) {
      post({ kind: 'failed', after: query.after, message: (error as Error).message });
      finish();
    }
  };
  port.on('message', () => {
    untaken--;
    pump();
  });
  pump();
} catch (error) {
  post({ kind: 'failed', after: first.after, message: (error as Error).message });
  port.unref();
}
