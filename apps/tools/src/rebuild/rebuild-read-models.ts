import type { EventStore } from '../../../../libs/event-store/src/index.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import type { ReadModelStore } from '../../../../libs/read-models/src/read-model-store.port.js';
import { Projector } from '../../../projector/src/projector.js';

export interface RebuildOptions {
  /** Events per read and per read-model transaction. */
  batchSize?: number;
  /** After each stored batch: events so far, position reached, and the head when the rebuild started. */
  onProgress?(events: number, position: number, head: number): void;
}

export interface RebuildResult {
  events: number;
  /** The read models' checkpoint afterwards (the last position of the log). */
  position: number;
}

/**
 * Empties a read-model store and projects the whole log into it again, batch by batch, with the
 * projector's own `applyBatch` (the code the live projection runs), so the result is what the live
 * projection would have built. Running it twice gives the same store.
 */
export async function rebuildReadModels(events: EventStore, readModels: ReadModelStore, options: RebuildOptions = {}): Promise<RebuildResult> {
  const batchSize = options.batchSize ?? 5_000;
  const head = await events.headPosition();
  await readModels.clear();
  const projector = new Projector(events, readModels, () => undefined, createLogger('rebuild'));
  let position = 0;
  let count = 0;
  for (;;) {
    const page = await events.readAll({ after: position, maxCount: batchSize });
    if (page.length === 0) break;
    await projector.applyBatch(page);
    position = page[page.length - 1]!.position;
    count += page.length;
    options.onProgress?.(count, position, head);
  }
  return { events: count, position };
}
