/**
 * The event log: the only source of truth. Adapters: SQLite (embedded) and EventStoreDB (distributed).
 * Every adapter passes the same contract suite (`event-store.contract.ts`).
 *
 * Revisions are 0-based per stream; positions are global, strictly increasing across the whole log
 * (but not necessarily contiguous), and comparable between any two events of the same store.
 */
export interface EventMetadata {
  /** ISO-8601 UTC time the event was decided (the engine's clock, not the append time). */
  timestamp: string;
  /** The request (or tick batch) this event belongs to. */
  correlationId: string;
  /** The command or event that directly caused this one. */
  causationId: string;
  /** Schema version of `data` for this event type; upcasters lift older versions on read. */
  schemaVersion: number;
  [key: string]: unknown;
}

export interface NewEvent {
  /** A UUID. Appending an event id that is already in the stream at the same place is a no-op. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface RecordedEvent extends NewEvent {
  stream: string;
  revision: number;
  position: number;
  /** When the store recorded it (ISO-8601). */
  recordedAt: string;
}

/** `no_stream`: the stream must not exist; `any`: no check; a number: the stream's last revision. */
export type ExpectedRevision = number | 'no_stream' | 'any' | 'stream_exists';

export interface AppendRequest {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
}

export interface AppendResult {
  stream: string;
  /** Revision of the last event of this request in its stream. */
  lastRevision: number;
  /** Global position of the last event of this request. */
  position: number;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export interface ReadAllOptions {
  /** Exclusive: events with a position strictly greater than this. Default: from the start. */
  after?: number;
  maxCount: number;
}

export interface ReadStreamOptions {
  /** Inclusive. Default 0. */
  fromRevision?: number;
  maxCount?: number;
}

/**
 * One event as folding the log into state needs it: the data decoded; of the metadata only the
 * schema version and the command's id and outcome, the outcome left as JSON text (most are never
 * read). Cheaper to read than a RecordedEvent where the adapter can leave the rest in the store.
 */
export interface ReplayedEvent {
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: Record<string, unknown>;
  /** `metadata.schemaVersion` (undefined when absent or not a number). */
  schemaVersion: number | undefined;
  /**
   * `metadata.commandId` of an event that carries its command's outcome (a text `commandId` and an
   * object `outcome`: both are given, or neither), from `outcomesFrom` on.
   */
  commandId: string | undefined;
  /** `metadata.outcome` as JSON text, with `commandId` (see there). */
  outcomeJson: string | undefined;
}

export interface ReadForReplayOptions extends ReadAllOptions {
  /** Events before this position may come without `commandId` and `outcomeJson` (default: all have them). */
  outcomesFrom?: number;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events with a position strictly greater than this (a saved checkpoint). */
  after?: number;
  /** Only events whose stream starts with one of these prefixes (all when omitted). */
  streamPrefixes?: string[];
  /** Called with batches in log order; the next batch is not delivered before this resolves. */
  onEvents(events: RecordedEvent[]): Promise<void> | void;
  /** A failure the subscription could not recover from; it has stopped. */
  onError?(error: Error): void;
  /** Upper bound of one batch. */
  batchSize?: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends to one or more streams. Each request's expected revision is checked; when one fails
   * nothing of the call is written where the adapter supports atomic multi-stream writes (SQLite),
   * and each stream's append is independently idempotent by event id otherwise (EventStoreDB).
   */
  appendMany(requests: AppendRequest[]): Promise<AppendResult[]>;
  append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; empty when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of the whole log in position order. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The same page as `readAll`, each event reduced to what a replay reads (see ReplayedEvent). */
  readAllForReplay(options: ReadForReplayOptions): Promise<ReplayedEvent[]>;
  /**
   * A position at or before the `count`-th last event after `after` whose metadata carries an
   * outcome (`after` when there are fewer, or when the adapter cannot tell cheaply): a replay that
   * remembers only the latest `count` outcomes needs none before it.
   */
  outcomesStart(after: number, count: number): Promise<number>;
  /**
   * Whether `findOutcome` can look a command up (SQLite: an index on the command id of each command's outcome-carrying event).
   * EventStoreDB has no secondary index to ask: there, a command older than the engine's dedup
   * window is not recognised.
   */
  readonly findsOutcomes: boolean;
  /**
   * The outcome the log recorded for a command (on its last event) and that event's position;
   * undefined when no event of the command carries one, or when the adapter cannot look it up.
   */
  findOutcome(commandId: string): Promise<{ position: number; outcomeJson: string } | undefined>;
  /** Position of the last event in the log, 0 when empty. */
  headPosition(): Promise<number>;
  /** Catch-up subscription: replays history after `after`, then delivers new events live. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
