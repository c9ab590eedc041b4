import type { AppendRequest, AppendResult, EventStore } from '../../../libs/event-store/src/index.js';

/**
 * The engine's log, announcing every append (with the position it reached) once it is stored: in
 * the distributed deployment the projector, another process reading the same SQLite file, waits
 * for this announcement instead of polling the file on a timer. Announcing never delays or fails
 * an append; a lost announcement only delays the projector until its fallback read.
 */
export function announcingAppends(store: EventStore, announce: (position: number) => void): EventStore {
  const announced = (results: AppendResult[]): AppendResult[] => {
    let last = 0;
    for (const result of results) last = Math.max(last, result.position);
    if (last > 0) announce(last);
    return results;
  };
  return {
    appendMany: (requests: AppendRequest[]) => store.appendMany(requests).then(announced),
    append: (stream, events, expectedRevision) => store.append(stream, events, expectedRevision).then((result) => announced([result])[0]!),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    readAllForReplay: (options) => store.readAllForReplay(options),
    outcomesStart: (after, count) => store.outcomesStart(after, count),
    findsOutcomes: store.findsOutcomes,
    findOutcome: (commandId) => store.findOutcome(commandId),
    headPosition: () => store.headPosition(),
    subscribeToAll: (options) => store.subscribeToAll(options),
    close: () => store.close(),
  };
}
