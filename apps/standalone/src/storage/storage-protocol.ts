import { DuplicateEventIdError, WrongExpectedRevisionError, type AppendRequest, type AppendResult } from '../../../../libs/event-store/src/index.js';

/** What the storage thread is started with. */
export interface StorageWorkerData {
  eventsFile: string;
  readModelsFile: string;
}

/** From the main thread to the storage thread. */
export type ToStorage = { kind: 'append'; id: number; requests: AppendRequest[] } | { kind: 'stop' };

/** From the storage thread to the main thread. */
export type FromStorage =
  | { kind: 'ready' }
  | { kind: 'start-failed'; error: StoredError }
  | { kind: 'append-done'; id: number; results: AppendResult[] }
  | { kind: 'append-failed'; id: number; error: StoredError }
  /** The read models reached `position`; `eventsJson` is the batch that took them there (RecordedEvent[] as JSON), if any. */
  | { kind: 'projected'; position: number; eventsJson: string | null }
  | { kind: 'projection-failed'; error: StoredError }
  | { kind: 'stopped' };

/** An error as it crosses threads: structured clone keeps neither its class nor its own fields. */
export interface StoredError {
  name: string;
  message: string;
  stream?: string;
  eventId?: string;
  expected?: WrongExpectedRevisionError['expected'];
  actual?: WrongExpectedRevisionError['actual'];
}

export function storeError(error: unknown): StoredError {
  if (error instanceof WrongExpectedRevisionError) {
    return { name: error.name, message: error.message, stream: error.stream, expected: error.expected, actual: error.actual };
  }
  if (error instanceof DuplicateEventIdError) return { name: error.name, message: error.message, stream: error.stream, eventId: error.eventId };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error again, as the class the event-store port promises (callers test with instanceof). */
export function restoreError(stored: StoredError): Error {
  let error: Error;
  if (stored.name === 'WrongExpectedRevisionError' && stored.stream !== undefined && stored.expected !== undefined && stored.actual !== undefined) {
    error = new WrongExpectedRevisionError(stored.stream, stored.expected, stored.actual);
  } else if (stored.name === 'DuplicateEventIdError' && stored.stream !== undefined && stored.eventId !== undefined) {
    error = new DuplicateEventIdError(stored.stream, stored.eventId, '');
  } else {
    error = new Error(stored.message);
    error.name = stored.name;
  }
  error.message = stored.message;
  return error;
}
