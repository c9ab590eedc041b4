import { timeOrderedUuid } from '../../../libs/platform/src/time-ordered-id.js';
import {
  decide,
  EVENT_SCHEMA_VERSION,
  evolve,
  initialState,
  streamOf,
  upcast,
  type DomainEvent,
  type EngineCommand,
  type EngineState,
  type IdSpace,
  type Outcome,
  type PriceBoard,
} from '../../../libs/domain/src/index.js';
import type { AppendRequest, EventStore, NewEvent, ReplayedEvent } from '../../../libs/event-store/src/index.js';
import { isDerivedCommandId, type EngineInput, type EngineReply } from '../../../libs/messaging/src/index.js';
import type { Logger } from '../../../libs/platform/src/logger.js';
import { CommandMemory, DEFAULT_DEDUP_WINDOW } from './command-memory.js';
import {
  ENGINE_SNAPSHOT_VERSION,
  engineStateFromJson,
  engineStateToJson,
  rememberedCommandsToJson,
  restoreRememberedCommands,
  type EngineSnapshot,
} from './snapshots/engine-snapshot.js';
import { usableSnapshot } from './snapshots/snapshot-loader.js';
import type { SnapshotStore } from './snapshots/snapshot-store.js';

export interface EngineRunnerOptions {
  priceStaleMs: number;
  idSpace?: IdSpace;
  clock?: () => number;
  /**
   * The dedup window: how many of the latest commands are remembered, so that one redelivered within
   * it is answered with its first outcome and not applied again (default DEFAULT_DEDUP_WINDOW).
   */
  commandMemory?: number;
  /** Runs after a batch is in the log and before anyone is answered (e.g. publish the prices it applied). */
  beforeReply?: () => Promise<void>;
  logger: Logger;
  /** Where snapshots are kept; without one, every start folds the whole log. */
  snapshots?: SnapshotStore;
  /** Take a snapshot once this many events were applied since the last one (0 or unset: only on `snapshot()`). */
  snapshotEvery?: number;
}

/** Market and clock inputs are not requests anyone retries: only commands are remembered by id. */
const remembers = (command: EngineCommand) => command.type !== 'ApplyTick' && command.type !== 'AdvanceClock';

/**
 * Events per read while folding the log: small enough that a page's rows and decoded data die young
 * (10 000 rows of about 1 KB outgrew the young generation and were copied into the old one).
 */
export const REPLAY_PAGE = 2_500;

const ERROR_OUTCOME: Outcome = { code: 'TRADE_RETCODE_ERROR', message: 'The engine could not record the request; it was not applied' };

/**
 * The single writer: decides every input of a batch against in-memory state, appends all resulting
 * events in one write (group commit), then replies to every command of the batch.
 */
export class EngineRunner {
  private state: EngineState;
  private readonly revisions = new Map<string, number>();
  private readonly outcomes: CommandMemory;
  private lastPosition = 0;
  private lastEventId: string | null = null;
  private eventsSinceSnapshot = 0;
  private snapshotWrite: Promise<void> | null = null;
  private readonly clock: () => number;

  constructor(
    private readonly store: EventStore,
    private readonly market: PriceBoard,
    private readonly options: EngineRunnerOptions,
  ) {
    this.state = initialState(options.idSpace);
    this.clock = options.clock ?? Date.now;
    this.outcomes = new CommandMemory(options.commandMemory ?? DEFAULT_DEDUP_WINDOW);
  }

  get engineState(): EngineState {
    return this.state;
  }

  get position(): number {
    return this.lastPosition;
  }

  /** Restart: the latest usable snapshot (if any), then every event of the log after it. */
  async load(onProgress?: (events: number) => void): Promise<void> {
    this.state = initialState(this.options.idSpace);
    this.revisions.clear();
    this.outcomes.clear();
    this.lastPosition = 0;
    this.lastEventId = null;
    const fromSnapshot = await this.restoreSnapshot();
    let count = 0;
    // Outcomes older than the dedup window would only pass through it: the log need not hand them over.
    const outcomesFrom = await this.store.outcomesStart(this.lastPosition, this.outcomes.window);
    for (;;) {
      const page = await this.store.readAllForReplay({ after: this.lastPosition, maxCount: REPLAY_PAGE, outcomesFrom });
      if (page.length === 0) break;
      for (let i = 0; i < page.length; i++) this.replay(page[i]!);
      count += page.length;
      onProgress?.(count);
    }
    // A snapshot names the event it ends with: read once here rather than carried with every event.
    if (count > 0) this.lastEventId = (await this.store.readAll({ after: this.lastPosition - 1, maxCount: 1 }))[0]?.id ?? null;
    this.eventsSinceSnapshot = count;
    this.options.logger.info(
      { events: count, snapshot: fromSnapshot ?? null, position: this.lastPosition, accounts: this.state.accounts.size, positions: this.state.positions.size },
      fromSnapshot === undefined ? 'engine state loaded from the log' : 'engine state loaded from a snapshot and the log after it',
    );
    if (this.snapshotDue()) await this.snapshot();
  }

  /** The state, stream revisions and remembered outcomes as of the last applied event. */
  captureSnapshot(): EngineSnapshot {
    return {
      version: ENGINE_SNAPSHOT_VERSION,
      takenAt: new Date(this.clock()).toISOString(),
      position: this.lastPosition,
      lastEventId: this.lastEventId,
      state: engineStateToJson(this.state),
      revisions: [...this.revisions],
      commands: rememberedCommandsToJson(this.outcomes),
    };
  }

  /**
   * Captures the state now, synchronously (so no later batch can slip into it), and writes it after
   * any snapshot still being written, so an older one never replaces a newer one. Also called at a
   * clean shutdown.
   */
  async snapshot(): Promise<void> {
    const store = this.options.snapshots;
    if (!store) return;
    const snapshot = this.captureSnapshot();
    this.eventsSinceSnapshot = 0;
    const previous = this.snapshotWrite;
    const write = (async () => {
      await previous;
      await this.writeSnapshot(store, snapshot);
    })();
    this.snapshotWrite = write;
    await write;
    if (this.snapshotWrite === write) this.snapshotWrite = null;
  }

  private snapshotDue(): boolean {
    const every = this.options.snapshotEvery ?? 0;
    return this.options.snapshots !== undefined && every > 0 && this.eventsSinceSnapshot >= every;
  }

  private async writeSnapshot(store: SnapshotStore, snapshot: EngineSnapshot): Promise<void> {
    const started = Date.now();
    try {
      await store.save(snapshot);
      this.options.logger.info({ position: snapshot.position, ms: Date.now() - started, file: store.location }, 'engine snapshot written');
    } catch (error) {
      // A missing snapshot only costs restart time; the log stays the source of truth.
      this.options.logger.error({ err: error, file: store.location }, 'engine snapshot could not be written');
    }
  }

  /** Starts from the stored snapshot when it fits this engine and this log; returns its position. */
  private async restoreSnapshot(): Promise<number | undefined> {
    const store = this.options.snapshots;
    const snapshot = store && (await usableSnapshot(store, this.store, this.state.idSpace, this.options.logger));
    if (!snapshot) return undefined;
    try {
      this.state = engineStateFromJson(snapshot.state);
    } catch (error) {
      this.options.logger.warn({ err: error, file: store.location }, 'engine snapshot could not be restored: ignored, folding the whole log');
      this.state = initialState(this.options.idSpace);
      return undefined;
    }
    for (const [stream, revision] of snapshot.revisions) this.revisions.set(stream, revision);
    restoreRememberedCommands(snapshot, this.outcomes);
    this.lastPosition = snapshot.position;
    this.lastEventId = snapshot.lastEventId;
    return snapshot.position;
  }

  private replay(recorded: ReplayedEvent): void {
    const event = upcast(recorded.type, recorded.data, recorded.schemaVersion);
    if (event) evolve(this.state, event);
    this.revisions.set(recorded.stream, recorded.revision);
    this.lastPosition = recorded.position;
    const { commandId, outcomeJson } = recorded;
    if (commandId !== undefined && outcomeJson !== undefined) this.outcomes.remember(commandId, outcomeJson, recorded.position);
  }

  /**
   * Commands whose id was derived from a request (an Idempotency-Key, a MetaApi clientId) may come
   * again long after the dedup window forgot them: those the window does not know are looked up in
   * the log, and an outcome found there is remembered (so the loop below answers with it). Returns
   * the inputs that could not be checked (the log failed to answer): they are refused, not risked.
   */
  private async recallFromLog(batch: EngineInput[]): Promise<Set<EngineInput>> {
    const unverified = new Set<EngineInput>();
    if (!this.store.findsOutcomes) return unverified;
    for (const input of batch) {
      const { commandId } = input.command;
      if (!remembers(input.command) || !isDerivedCommandId(commandId) || this.outcomes.recall(commandId)) continue;
      try {
        const found = await this.store.findOutcome(commandId);
        if (found) this.outcomes.remember(commandId, found.outcomeJson, found.position);
      } catch (error) {
        this.options.logger.error({ err: error, commandId }, 'could not ask the log whether a command was already applied: it is refused; the client may retry');
        unverified.add(input);
      }
    }
    return unverified;
  }

  /** Handles one batch of inputs; never throws (failures become error replies). */
  readonly handle = async (batch: EngineInput[]): Promise<void> => {
    const now = this.clock();
    const replies: { input: EngineInput; outcome: Outcome; known?: number }[] = [];
    const events: { stream: string; event: NewEvent }[] = [];
    const inBatch = new Map<string, Outcome>();
    let corrupted = false;
    const unverified = await this.recallFromLog(batch);

    for (const input of batch) {
      const { command } = input;
      if (command.type === 'ApplyTick') this.market.update(command.tick);
      if (unverified.has(input)) {
        replies.push({ input, outcome: ERROR_OUTCOME });
        continue;
      }
      if (remembers(command)) {
        const known = this.outcomes.recall(command.commandId);
        const duplicate = inBatch.get(command.commandId);
        if (known || duplicate) {
          replies.push({ input, outcome: known?.outcome ?? duplicate!, known: known?.position });
          continue;
        }
      }
      let outcome: Outcome;
      try {
        const decision = decide(this.state, command, { now, market: this.market, priceStaleMs: this.options.priceStaleMs });
        outcome = decision.outcome;
        decision.events.forEach((event, i) => {
          evolve(this.state, event);
          const last = i === decision.events.length - 1;
          events.push({ stream: streamOf(event, this.state.idSpace.shard), event: this.toNewEvent(event, command, input.correlationId, now, last ? outcome : undefined) });
        });
      } catch (error) {
        corrupted = true;
        this.options.logger.error({ err: error, commandId: command.commandId, type: command.type }, 'engine failed to decide an input');
        outcome = ERROR_OUTCOME;
      }
      if (remembers(command)) inBatch.set(command.commandId, outcome);
      replies.push({ input, outcome });
    }

    if (corrupted) {
      // A bug left state and log apart: drop the batch and rebuild the state from the log.
      await this.load();
      for (const r of replies) if (r.known === undefined) r.outcome = ERROR_OUTCOME;
      this.reply(replies, this.lastPosition);
      return;
    }

    if (events.length > 0) {
      try {
        const requests = this.requests(events);
        const results = await this.store.appendMany(requests);
        for (const result of results) {
          this.revisions.set(result.stream, result.lastRevision);
          if (result.position > this.lastPosition) {
            this.lastPosition = result.position;
            // A snapshot names the event it ends with, so a restart can tell it belongs to this log.
            this.lastEventId = requests.find((r) => r.stream === result.stream)!.events.at(-1)!.id;
          }
        }
        this.eventsSinceSnapshot += events.length;
      } catch (error) {
        this.options.logger.error({ err: error, events: events.length }, 'append failed: the batch is refused and the state reloaded');
        await this.load();
        for (const r of replies) if (r.known === undefined) r.outcome = ERROR_OUTCOME;
        this.reply(replies, this.lastPosition);
        return;
      }
    }
    try {
      await this.options.beforeReply?.();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'post-append hook failed; replying anyway');
    }
    for (const r of replies) {
      if (r.known === undefined && remembers(r.input.command)) {
        this.outcomes.remember(r.input.command.commandId, r.outcome, this.lastPosition);
      }
    }
    this.reply(replies, this.lastPosition);
    // Captured here, synchronously between two batches, the snapshot is exactly the state the log describes.
    if (this.snapshotDue() && !this.snapshotWrite) void this.snapshot();
  };

  private reply(replies: { input: EngineInput; outcome: Outcome; known?: number }[], position: number): void {
    for (const { input, outcome, known } of replies) {
      const reply: EngineReply = { commandId: input.command.commandId, outcome, position: known ?? position };
      input.reply(reply);
    }
  }

  private requests(events: { stream: string; event: NewEvent }[]): AppendRequest[] {
    const byStream = new Map<string, NewEvent[]>();
    for (const { stream, event } of events) {
      const list = byStream.get(stream);
      if (list) list.push(event);
      else byStream.set(stream, [event]);
    }
    return [...byStream].map(([stream, list]) => ({
      stream,
      expectedRevision: this.revisions.get(stream) ?? 'no_stream',
      events: list,
    }));
  }

  private toNewEvent(event: DomainEvent, command: EngineCommand, correlationId: string, now: number, outcome?: Outcome): NewEvent {
    return {
      // Time-ordered: the log's event-id index then grows at its right edge (see timeOrderedUuid).
      id: timeOrderedUuid(),
      type: event.type,
      data: event.data as unknown as Record<string, unknown>,
      metadata: {
        timestamp: new Date(now).toISOString(),
        correlationId,
        causationId: command.commandId,
        commandId: command.commandId,
        schemaVersion: EVENT_SCHEMA_VERSION[event.type],
        // The command's outcome rides on its last event so a restarted engine answers a redelivery the same way.
        ...(outcome && remembers(command) ? { outcome } : {}),
      },
    };
  }
}
