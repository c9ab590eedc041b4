import { upcast } from '../../../libs/domain/src/index.js';
import type { EventStore, RecordedEvent, Subscription } from '../../../libs/event-store/src/index.js';
import type { Logger } from '../../../libs/platform/src/logger.js';
import { project } from '../../../libs/read-models/src/projection.js';
import type { ReadModelOp } from '../../../libs/read-models/src/read-model.ops.js';
import type { ReadModelStore } from '../../../libs/read-models/src/read-model-store.port.js';

/**
 * Subscribes to the log from the read models' checkpoint and applies each delivered batch with its
 * checkpoint in one write; the checkpoint only moves after the batch is stored, so a crash replays
 * from the last stored batch and nothing is applied twice.
 */
export class Projector {
  private subscription?: Subscription;
  private failure?: Error;
  private readonly failureListeners: ((error: Error) => void)[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly onAdvance: (position: number) => void,
    private readonly logger: Logger,
    /** Called with each stored batch, e.g. to relay it to other services. */
    private readonly afterBatch?: (events: RecordedEvent[]) => Promise<void>,
  ) {}

  get error(): Error | undefined {
    return this.failure;
  }

  /** Calls `listener` when projection stops on an error (at most once). */
  onFailure(listener: (error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  /** Applies a batch of recorded events (also used by the rebuild tool). */
  async applyBatch(events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const ops: ReadModelOp[] = [];
    for (const recorded of events) {
      const event = upcast(recorded.type, recorded.data, recorded.metadata.schemaVersion);
      if (event) ops.push(...project({ type: event.type, data: event.data, position: recorded.position }));
    }
    const position = events[events.length - 1]!.position;
    await this.readModels.apply(ops, position);
    await this.afterBatch?.(events);
    this.onAdvance(position);
  }

  /** Catches up to the head of the log, then follows it live. */
  async start(): Promise<void> {
    const from = await this.readModels.checkpoint();
    this.onAdvance(from);
    const head = await this.store.headPosition();
    let caughtUp: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (head <= from) caughtUp();
    this.subscription = this.store.subscribeToAll({
      after: from,
      batchSize: 1_000,
      onEvents: async (events) => {
        await this.applyBatch(events);
        if (events[events.length - 1]!.position >= head) caughtUp();
      },
      onError: (error) => {
        this.failure = error;
        this.logger.error({ err: error }, 'projection stopped: restart the projector; it resumes from its checkpoint');
        for (const listener of this.failureListeners) listener(error);
      },
    });
    await ready;
    this.logger.info({ from, head }, 'read models caught up with the log');
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }
}
