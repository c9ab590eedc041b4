import type { EventStore, RecordedEvent, Subscription } from '../../../libs/event-store/src/index.js';

export interface LogFollowerOptions {
  /** Exclusive: the first page read holds the events after this position (the checkpoint). */
  after: number;
  /** Largest page handed to `onEvents`. */
  batchSize: number;
  /** Called with each page in log order; the next page is not read before this resolves. */
  onEvents(events: RecordedEvent[]): Promise<void>;
  /** The follower stopped on this failure. */
  onError(error: Error): void;
  /**
   * Once the log is read to its end, how long to wait for `wake()` before reading it again anyway:
   * only a lost announcement (e.g. a Redis reconnection) waits this long, never a normal append.
   */
  fallbackMs: number;
}

/**
 * Follows a log that another process appends to (the distributed engine's SQLite file): reads it in
 * pages from the checkpoint on, and once at its end sleeps until `wake()` (the engine announced an
 * append) rather than polling on a short timer, which put up to a timer period on every order's
 * read-your-writes wait. A wake that arrives while a page is being read or handled is kept, so no
 * announcement is lost between the read and the sleep.
 */
export class LogFollower implements Subscription {
  private stopped = false;
  private woken = false;
  private wakeSleeper?: () => void;
  private readonly done: Promise<void>;

  constructor(
    private readonly log: Pick<EventStore, 'readAll'>,
    private readonly options: LogFollowerOptions,
  ) {
    // Start on a later tick so the caller holds the follower before the first page arrives.
    this.done = Promise.resolve().then(() => this.run());
  }

  /** Something was appended: read the log again now. */
  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.done;
  }

  private async run(): Promise<void> {
    let after = this.options.after;
    try {
      while (!this.stopped) {
        this.woken = false;
        const events = await this.log.readAll({ after, maxCount: this.options.batchSize });
        if (this.stopped) break;
        if (events.length === 0) {
          if (!this.woken) await this.sleep();
          continue;
        }
        await this.options.onEvents(events);
        after = events[events.length - 1]!.position;
      }
    } catch (error) {
      this.stopped = true;
      this.options.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeSleeper?.(), this.options.fallbackMs);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
    });
  }
}
