/**
 * The storage thread of the embedded service: it owns the SQLite writes, so their CPU time and the
 * log's fsync no longer stall the thread that parses requests and decides commands.
 *
 * - Appends: the engine sends each batch's append here and waits for its answer, given once the
 *   batch is committed (synchronous = FULL: durable before the answer).
 * - Projection: the projector follows the log into the read models; each stored batch is announced
 *   with its position (the main thread's read-your-writes watermark) and its events (for live
 *   streams). It runs after the append's answer is posted (the log wakes its subscribers one
 *   microtask late), so a reply never waits behind the projection of its own batch.
 *
 * The main thread keeps connections of its own to both files for reading (WAL: readers and this
 * writer never wait for each other). One thread for both kinds of write measured faster on two
 * cores than a thread each: the two competed for the same core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore, type RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { SqliteReadModelStore } from '../../../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { Projector } from '../../../projector/src/projector.js';
import { storeError, type FromStorage, type StorageWorkerData, type ToStorage } from './storage-protocol.js';

if (!parentPort) throw new Error('storage-worker.js runs as a worker thread of the embedded service, not on its own');
const port = parentPort;
const post = (message: FromStorage) => port.postMessage(message);

async function run(): Promise<void> {
  const { eventsFile, readModelsFile } = workerData as StorageWorkerData;
  const logger = createLogger('storage');
  const events = new SqliteEventStore(eventsFile);
  const readModels = new SqliteReadModelStore(readModelsFile);
  let batch: RecordedEvent[] | null = null;
  const projector = new Projector(
    events,
    readModels,
    (position) => {
      post({ kind: 'projected', position, eventsJson: batch ? JSON.stringify(batch) : null });
      batch = null;
    },
    createLogger('projector'),
    async (stored) => {
      batch = stored;
    },
  );
  projector.onFailure((error) => post({ kind: 'projection-failed', error: storeError(error) }));
  let stopping = false;
  port.on('message', (message: ToStorage) => {
    if (message.kind === 'append') {
      if (stopping) {
        post({ kind: 'append-failed', id: message.id, error: { name: 'Error', message: 'the storage thread is stopping: nothing was written' } });
        return;
      }
      events.appendMany(message.requests).then(
        (results) => post({ kind: 'append-done', id: message.id, results }),
        (error: unknown) => post({ kind: 'append-failed', id: message.id, error: storeError(error) }),
      );
      return;
    }
    stopping = true;
    const close = async () => {
      await projector.stop();
      await events.close();
      await readModels.close();
    };
    close()
      .catch((error: unknown) => logger.error({ err: error }, 'the storage thread did not close its files cleanly'))
      .finally(() => {
        post({ kind: 'stopped' });
        port.close();
      });
  });
  await projector.start();
  post({ kind: 'ready' });
}

run().catch((error: unknown) => post({ kind: 'start-failed', error: storeError(error) }));
