import type { AppendRequest, AppendResult, RecordedEvent } from '../../../../libs/event-store/src/index.js';
import type { Logger } from '../../../../libs/platform/src/logger.js';
import { restoreError, type FromStorage } from './storage-protocol.js';
import { SupervisedWorker } from './supervised-worker.js';

export interface StorageThreadOptions {
  eventsFile: string;
  readModelsFile: string;
  logger: Logger;
  /** The read models reached `position`; `events` took them there (null for the position found at start). */
  onProjected(position: number, events: RecordedEvent[] | null): void;
  /** The compiled worker script (tests run from sources and point at the build). */
  script?: URL;
}

/** Unanswered appends of a storage thread that died: their fate is for the log to tell, not for us to guess. */
export class StorageThreadStoppedError extends Error {
  constructor(cause: Error) {
    super(`${cause.message} before answering: the append may or may not be in the log; the engine reloads its state from the log`);
    this.name = 'StorageThreadStoppedError';
  }
}

/**
 * The main thread's handle on the storage thread (storage-worker.ts), which appends to the log and
 * projects it into the read models.
 *
 * Should the thread die, every unanswered append is rejected (the engine then reloads its state
 * from the log, which holds exactly what was committed) and a new thread is started, whose
 * projector resumes from the read models' checkpoint. Nothing acknowledged is lost: an append is
 * acknowledged only after its commit.
 */
export class StorageThread {
  private readonly pending = new Map<number, { resolve(results: AppendResult[]): void; reject(error: Error): void }>();
  private nextId = 1;
  private stopping = false;
  private projectionFailure?: Error;
  private readonly worker: SupervisedWorker;

  private constructor(private readonly options: StorageThreadOptions) {
    const { eventsFile, readModelsFile, logger, script } = options;
    this.worker = new SupervisedWorker({
      name: 'storage thread',
      data: { eventsFile, readModelsFile },
      logger,
      script,
      onMessage: (message) => this.handle(message),
      onDown: (error) => {
        this.projectionFailure = error;
        this.failPending(new StorageThreadStoppedError(error));
      },
    });
  }

  /** Starts the thread; resolves once the read models caught up with the log. */
  static async start(options: StorageThreadOptions): Promise<StorageThread> {
    const thread = new StorageThread(options);
    await thread.worker.start();
    return thread;
  }

  /** Why the read models are not following the log, if they are not. */
  get failure(): Error | undefined {
    return this.projectionFailure;
  }

  append(requests: AppendRequest[]): Promise<AppendResult[]> {
    if (this.stopping) return Promise.reject(new Error('the storage thread is stopping: nothing was written'));
    if (!this.worker.up) return Promise.reject(new Error('the storage thread is restarting: nothing was written; retry in a moment'));
    const id = this.nextId++;
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.send({ kind: 'append', id, requests });
    });
  }

  /** Lets the thread finish the appends it was given, stop its projector and close its files. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.stop();
  }

  private handle(message: FromStorage): void {
    switch (message.kind) {
      case 'append-done':
        this.settle(message.id)?.resolve(message.results);
        return;
      case 'append-failed':
        this.settle(message.id)?.reject(restoreError(message.error));
        return;
      case 'projected':
        this.projectionFailure = undefined;
        this.options.onProjected(message.position, message.eventsJson === null ? null : (JSON.parse(message.eventsJson) as RecordedEvent[]));
        return;
      case 'projection-failed':
        this.projectionFailure = restoreError(message.error);
        return;
      default:
        // Life-cycle messages (ready, start-failed, stopped) are the supervisor's.
        return;
    }
  }

  private settle(id: number) {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    return waiter;
  }

  private failPending(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
