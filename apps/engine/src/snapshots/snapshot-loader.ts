import type { IdSpace } from '../../../../libs/domain/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';
import type { Logger } from '../../../../libs/platform/src/logger.js';
import { snapshotProblem, type EngineSnapshot } from './engine-snapshot.js';
import type { SnapshotStore } from './snapshot-store.js';

/**
 * The stored snapshot when an engine may start from it: this release's version, this engine's
 * shard, and a prefix of this very log (the event at its position is the one it ends with).
 * Anything else is ignored with a warning, and the engine folds the whole log instead.
 */
export async function usableSnapshot(snapshots: SnapshotStore, log: EventStore, idSpace: IdSpace, logger: Logger): Promise<EngineSnapshot | undefined> {
  let stored: unknown;
  try {
    stored = await snapshots.load();
  } catch (error) {
    logger.warn({ err: error, file: snapshots.location }, 'engine snapshot unreadable: ignored, folding the whole log');
    return undefined;
  }
  if (stored === undefined) return undefined;
  const problem = snapshotProblem(stored, idSpace);
  if (problem) {
    logger.warn({ file: snapshots.location, problem }, 'engine snapshot ignored, folding the whole log');
    return undefined;
  }
  const snapshot = stored as EngineSnapshot;
  if (snapshot.position > 0) {
    const [at] = await log.readAll({ after: snapshot.position - 1, maxCount: 1 });
    if (!at || at.position !== snapshot.position || at.id !== snapshot.lastEventId) {
      logger.warn({ file: snapshots.location, position: snapshot.position }, 'engine snapshot does not match the log: ignored, folding the whole log');
      return undefined;
    }
  }
  return snapshot;
}
