import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadForReplayOptions,
  ReadStreamOptions,
  RecordedEvent,
  ReplayedEvent,
  SqliteEventStore,
  SubscribeOptions,
  Subscription,
} from '../../../../libs/event-store/src/index.js';
import type { StorageThread } from './storage-thread.js';

/**
 * The embedded log as the main thread sees it: appends are written by the storage thread, reads
 * come from this thread's own connection to the same file (WAL: readers never wait for the writer).
 */
export class ThreadedSqliteEventStore implements EventStore {
  readonly findsOutcomes = true;

  constructor(
    private readonly reader: SqliteEventStore,
    private readonly storage: Pick<StorageThread, 'append'>,
  ) {}

  async appendMany(requests: AppendRequest[]): Promise<AppendResult[]> {
    const results = await this.storage.append(requests);
    // Subscriptions of this connection hear of the append now rather than at their next poll.
    this.reader.wakeSubscribers();
    return results;
  }

  append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.appendMany([{ stream, events, expectedRevision }]).then(([result]) => result!);
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.reader.readStream(stream, options);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.reader.readAll(options);
  }

  readAllForReplay(options: ReadForReplayOptions): Promise<ReplayedEvent[]> {
    return this.reader.readAllForReplay(options);
  }

  outcomesStart(after: number, count: number): Promise<number> {
    return this.reader.outcomesStart(after, count);
  }

  findOutcome(commandId: string): Promise<{ position: number; outcomeJson: string } | undefined> {
    return this.reader.findOutcome(commandId);
  }

  headPosition(): Promise<number> {
    return this.reader.headPosition();
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.reader.subscribeToAll(options);
  }

  /** Closes this thread's connection; the storage thread is stopped by its owner. */
  close(): Promise<void> {
    return this.reader.close();
  }
}
