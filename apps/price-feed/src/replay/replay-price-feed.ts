import { createLogger, type Logger } from '../../../../libs/platform/src/logger.js';
import type { ReplayClock } from '../feed-settings.js';
import type { FeedState, FeedStatus, PriceFeed, PublishTick } from '../price-feed.port.js';
import { checkTick, RefusalLog } from '../tick-validation.js';
import { readReplayFile } from './replay-file.js';

export interface ReplayFeedOptions {
  file: string;
  /** 1 = real time, 10 = ten times faster, 0 = as fast as the engine takes them. */
  speed: number;
  /**
   * `now`: each tick is stamped with the time it is sent (at speed 1 the recorded intervals are
   * kept exactly), so prices are fresh for the engine's staleness check: live demos.
   * `original`: the file's own times, so candles and event quotes carry the recorded times:
   * backtests and reproducible candles (such prices are usually stale for new orders).
   */
  clock: ReplayClock;
  /** Start again at the end of the file (with `clock: 'now'`). */
  loop?: boolean;
  /** Ticks sent but not yet taken by the engine, at most; default 256. */
  maxInFlight?: number;
  now?: () => number;
  logger?: Logger;
}

/**
 * Replays recorded ticks (`time,symbol,bid,ask`, CSV or JSON lines, ordered by time) at a chosen
 * speed. Lines that do not check out (unknown symbol, prices beyond the instrument's digits, ask
 * below bid, a time before the previous line's) are logged and skipped.
 */
export class ReplayPriceFeed implements PriceFeed {
  readonly name = 'replay';
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly refusals: RefusalLog;
  private state: FeedState = 'idle';
  private stopping = false;
  private run: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private ticks = 0;
  private lastTickAt: number | null = null;
  private detail: string | undefined;
  /** The last stamp sent: with the clock `now` stamps never go back, across passes of a loop too. */
  private lastStamp = 0;
  /** Passes through the file completed. */
  passes = 0;

  constructor(private readonly options: ReplayFeedOptions) {
    this.log = options.logger ?? createLogger('replay-feed');
    this.now = options.now ?? Date.now;
    this.refusals = new RefusalLog((fields, message) => this.log.warn({ ...fields, file: options.file }, `replay ${message}`));
  }

  /** Starts replaying in the background and returns at once. */
  start(publish: PublishTick): void {
    this.stopping = false;
    this.state = 'connected';
    this.log.info({ file: this.options.file, speed: this.options.speed, clock: this.options.clock, loop: this.options.loop ?? false }, 'replay feed starting');
    this.run = this.replay(publish).catch((error: unknown) => {
      this.detail = (error as Error).message;
      this.log.error({ err: error, file: this.options.file }, 'replay feed failed; no more ticks from it');
    }).finally(() => {
      this.state = 'idle';
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.run;
    this.state = 'idle';
  }

  /** Resolves when the replay has ended (the file is done, it failed, or it was stopped). */
  finished(): Promise<void> {
    return this.run ?? Promise.resolve();
  }

  status(): FeedStatus {
    const status: FeedStatus = { feed: this.name, state: this.state, ticks: this.ticks, lastTickAt: this.lastTickAt };
    if (this.detail) status.detail = this.detail;
    return status;
  }

  private async replay(publish: PublishTick): Promise<void> {
    do {
      await this.pass(publish);
      if (this.stopping) return;
      this.passes += 1;
    } while (this.options.loop);
    this.detail = `replay finished: ${this.ticks} ticks sent, ${this.refusals.total} lines refused`;
    this.log.info({ file: this.options.file, ticks: this.ticks, refused: this.refusals.total }, 'replay feed finished the file');
  }

  private async pass(publish: PublishTick): Promise<void> {
    const { speed, clock } = this.options;
    const startWall = this.now();
    const maxInFlight = this.options.maxInFlight ?? 256;
    const inFlight = new Set<Promise<void>>();
    let first: number | undefined;
    let previous = -Infinity;
    for await (const line of readReplayFile(this.options.file)) {
      if (this.stopping) break;
      if (line.kind === 'skip') continue;
      if (line.kind === 'invalid') {
        this.refusals.refused(line.reason, { line: line.line });
        continue;
      }
      const recorded = line.tick;
      if (recorded.time < previous) {
        this.refusals.refused('time before the previous line (the file must be in time order)', { line: recorded.line });
        continue;
      }
      previous = recorded.time;
      first ??= recorded.time;
      let due = this.now();
      if (speed > 0) {
        due = startWall + (recorded.time - first) / speed;
        await this.sleepUntil(due);
        if (this.stopping) break;
      }
      const stamp = clock === 'original' ? recorded.time : Math.max(this.lastStamp, Math.round(due));
      const checked = checkTick({ symbol: recorded.symbol, bid: recorded.bid, ask: recorded.ask, time: stamp }, this.name, 'strict');
      if (!checked.ok) {
        this.refusals.refused(checked.problem, { line: recorded.line });
        continue;
      }
      this.lastStamp = stamp;
      this.ticks += 1;
      this.lastTickAt = stamp;
      const sent = Promise.resolve()
        .then(() => publish(checked.tick))
        .catch((error: unknown) => this.log.warn({ err: error, line: recorded.line }, 'replayed tick not taken by the engine'));
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  private sleepUntil(due: number): Promise<void> {
    const wait = due - this.now();
    if (wait <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }
}
