import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Position,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadForReplayOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type ReplayedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';
import { replayedOf } from '../replayed-event.js';

const DEFAULT_BATCH_SIZE = 500;
const HEAD_SCAN_PAGE = 100;

/**
 * The distributed event log on EventStoreDB (server 22.6 or later: older servers do not put a
 * position on events read from a stream). Positions are commit positions of the `$all` log.
 * Appends to distinct streams are independent: appendMany is not atomic across streams.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<EsdbSubscription>();

  /** @param connectionString an `esdb://` or `esdb+discover://` connection string. */
  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async appendMany(requests: AppendRequest[]): Promise<AppendResult[]> {
    // Requests for one stream go in order (each may expect the previous one's revision);
    // distinct streams go in parallel.
    const byStream = new Map<string, number[]>();
    requests.forEach((request, i) => byStream.set(request.stream, [...(byStream.get(request.stream) ?? []), i]));
    const results: AppendResult[] = [];
    const outcomes = await Promise.allSettled(
      [...byStream.values()].map(async (indexes) => {
        for (const i of indexes) results[i] = await this.appendOne(requests[i]);
      }),
    );
    // Wait for every stream to settle first, so the caller never races writes still in flight.
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return results;
  }

  append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.appendOne({ stream, events, expectedRevision });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    try {
      const read = this.client.readStream(stream, {
        fromRevision: BigInt(options.fromRevision ?? 0),
        maxCount: options.maxCount,
      });
      const events: RecordedEvent[] = [];
      for await (const resolved of read) if (resolved.event) events.push(toRecorded(resolved.event));
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async readAll({ after = 0, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    const page: RecordedEvent[] = [];
    let last = after;
    let from: ReadPosition = after > 0 ? positionOf(after) : START;
    // System events are skipped, so one server page may not fill ours; reads are inclusive of `from`.
    while (page.length < maxCount) {
      const chunk: AllStreamResolvedEvent[] = await collect(
        this.client.readAll({ fromPosition: from, maxCount: maxCount + 1 }),
      );
      for (const { event } of chunk) {
        if (!event || Number(event.position.commit) <= last) continue;
        last = Number(event.position.commit);
        from = event.position;
        if (!isSystem(event) && page.length < maxCount) page.push(toRecorded(event));
      }
      if (chunk.length <= maxCount) break;
    }
    return page;
  }

  async readAllForReplay(options: ReadForReplayOptions): Promise<ReplayedEvent[]> {
    return (await this.readAll(options)).map(replayedOf);
  }

  /** Finding it would read the log twice: a replay here keeps every outcome it passes. */
  async outcomesStart(after: number): Promise<number> {
    return after;
  }

  /** No secondary index by command id here (see the port). */
  readonly findsOutcomes = false;

  async findOutcome(): Promise<undefined> {
    return undefined;
  }

  async headPosition(): Promise<number> {
    let from: ReadPosition = END;
    for (;;) {
      const chunk: AllStreamResolvedEvent[] = await collect(
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_SCAN_PAGE }),
      );
      const newest = chunk.find(({ event }) => event && !isSystem(event));
      if (newest?.event) return Number(newest.event.position.commit);
      const oldest = chunk.at(-1)?.event;
      if (chunk.length < HEAD_SCAN_PAGE || !oldest) return 0;
      from = oldest.position;
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = new EsdbSubscription(this.client, options, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  private async appendOne({ stream, events, expectedRevision }: AppendRequest): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map(({ id, type, data, metadata }) => jsonEvent({ id, type, data, metadata })),
        { expectedRevision: toEsdbExpected(expectedRevision) },
      );
      if (!result.success) {
        const actual = result.nextExpectedRevision < 0n ? 'no_stream' : Number(result.nextExpectedRevision);
        throw new WrongExpectedRevisionError(stream, expectedRevision, actual);
      }
      const lastRevision = Number(result.nextExpectedRevision);
      // The server reports the commit position of the write's last event; an idempotent retry may
      // come back without one, and then the event itself is asked for it.
      const position =
        commitOf(result.position) ??
        (await this.readStream(stream, { fromRevision: lastRevision, maxCount: 1 }))[0]?.position ??
        0;
      return { stream, lastRevision, position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : 'no_stream';
        throw new WrongExpectedRevisionError(stream, expectedRevision, actual);
      }
      throw error;
    }
  }
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** Our positions are commit positions; since 20.x a single event's commit and prepare positions are equal. */
function positionOf(commit: number): Position {
  return { commit: BigInt(commit), prepare: BigInt(commit) };
}

function isSystem(event: EsdbRecordedEvent): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** The commit position as a number, or undefined where the server sent none (absent, or -1 as 2^64-1). */
function commitOf(position: Position | undefined): number | undefined {
  return position && position.commit < 2n ** 63n ? Number(position.commit) : undefined;
}

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  const position = commitOf(event.position);
  // Servers before 22.6 put no position on events read from a stream.
  if (position === undefined) {
    throw new Error(`EventStoreDB sent no position for ${event.streamId}@${event.revision}: server 22.6+ is required`);
  }
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: event.data as RecordedEvent['data'],
    metadata: event.metadata as RecordedEvent['metadata'],
    recordedAt: event.created.toISOString(),
  };
}

async function collect<E>(read: AsyncIterable<E>): Promise<E[]> {
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Tells `stop()` that it was called by the subscription's own handler, which it must not wait for. */
const runningHandler = new AsyncLocalStorage<EsdbSubscription>();

/**
 * Pulls from the server's catch-up subscription in paused mode, so a batch is whatever is buffered
 * (up to batchSize) and nothing is pulled while the handler runs. The server filters by prefix;
 * the same filter and a position check run here too, so a re-sent event is never delivered twice.
 */
class EsdbSubscription implements Subscription {
  private stopped = false;
  private failure?: Error;
  private readonly source: AllStreamSubscription;
  private readonly done: Promise<void>;

  constructor(
    client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
    private readonly onFinished: () => void,
  ) {
    const { after, streamPrefixes } = options;
    this.source = client.subscribeToAll({
      fromPosition: after ? positionOf(after) : START,
      // An empty prefix list matches nothing; the loop below filters, the server gets a harmless filter.
      filter: streamPrefixes?.length ? streamNameFilter({ prefixes: streamPrefixes }) : excludeSystemEvents(),
    });
    // Without a listener an 'error' event would crash the process; the loop reports it instead.
    this.source.on('error', (error) => (this.failure ??= error));
    this.done = Promise.resolve().then(() => this.run());
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      await this.source.unsubscribe();
      this.source.destroy();
    }
    if (runningHandler.getStore() === this) return;
    await this.done;
  }

  private async run(): Promise<void> {
    const { streamPrefixes, batchSize = DEFAULT_BATCH_SIZE } = this.options;
    let after = this.options.after ?? 0;
    try {
      while (!this.stopped) {
        const batch: RecordedEvent[] = [];
        let resolved: AllStreamResolvedEvent | null;
        while (batch.length < batchSize && (resolved = this.source.read() as AllStreamResolvedEvent | null)) {
          const event = resolved.event;
          if (!event || Number(event.position.commit) <= after) continue;
          after = Number(event.position.commit);
          const wanted = !streamPrefixes || streamPrefixes.some((prefix) => event.streamId.startsWith(prefix));
          if (wanted && !isSystem(event)) batch.push(toRecorded(event));
        }
        if (batch.length > 0) {
          await runningHandler.run(this, () => this.options.onEvents(batch));
        } else if (this.failure) {
          throw this.failure;
        } else if (this.source.readableEnded || this.source.destroyed) {
          if (!this.stopped) throw new Error('EventStoreDB ended the subscription');
        } else {
          await readableOrClosed(this.source);
        }
      }
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (!this.stopped) {
        this.stopped = true;
        await this.source.unsubscribe().catch(() => undefined);
        this.source.destroy();
      }
      if (this.options.onError) this.options.onError(failure);
      else process.emitWarning(failure, 'SubscriptionStopped');
    } finally {
      this.onFinished();
    }
  }
}

function readableOrClosed(source: AllStreamSubscription): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      source.off('readable', settle).off('end', settle).off('close', settle).off('error', settle);
      resolve();
    };
    source.on('readable', settle).on('end', settle).on('close', settle).on('error', settle);
  });
}
