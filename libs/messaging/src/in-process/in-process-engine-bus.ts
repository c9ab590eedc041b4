import type { EngineCommand } from '../../../domain/src/index.js';
import {
  EngineOverloadedError,
  EngineTimeoutError,
  type EngineClient,
  type EngineInput,
  type EngineInputSource,
  type EngineReply,
  type EngineRequest,
} from '../engine-transport.port.js';

/** The reply of a `submit`: nobody waits for it, so folding it into a newer input keeps nothing. */
const NOBODY_WAITS = (): void => undefined;

/** Default bound of the queue (inputs waiting for the engine); `ENGINE_MAX_QUEUE` sets it. */
export const DEFAULT_ENGINE_MAX_QUEUE = 10_000;

/**
 * Market inputs that a newer one of the same key makes obsolete: a symbol's tick (only its latest
 * price matters) and the clock (only its latest time matters). Commands have no such key.
 */
function coalescingKey(command: EngineCommand): string | undefined {
  if (command.type === 'ApplyTick') return `tick:${command.tick.symbol}`;
  if (command.type === 'AdvanceClock') return 'clock';
  return undefined;
}

/**
 * The embedded bus: one in-memory queue between the API and the engine of the same process.
 * Inputs queued while a batch is being handled form the next batch (group commit).
 *
 * Back-pressure: the queue holds at most `maxQueue` inputs. When it is full,
 * - a command is refused at once (`request` rejects with {@link EngineOverloadedError}, `submit`
 *   throws it): it is never queued, so it is never executed; the API answers 429 with Retry-After;
 * - a tick (or clock input) replaces the one of the same symbol still waiting, which takes the
 *   newer price and keeps its place in the queue (whoever waited on the older one is answered when
 *   the newer one is applied); with none waiting it is queued, so at most one per symbol exceeds the
 *   bound. Memory stays bounded by `maxQueue` plus the number of symbols, whatever the load.
 */
export class InProcessEngineBus implements EngineClient, EngineInputSource {
  private queue: EngineInput[] = [];
  private handler?: (batch: EngineInput[]) => Promise<void>;
  private draining: Promise<void> | null = null;
  private stopped = false;
  /** Market inputs still waiting in the queue, by coalescing key (only filled while the queue is full). */
  private readonly waitingMarket = new Map<string, EngineInput>();
  /** Askers of folded market inputs, answered with the input that absorbed theirs (a flat list: no chain of closures). */
  private readonly followers = new Map<EngineInput, ((reply: EngineReply) => void)[]>();
  /** Inputs refused or folded into a newer one since start (for metrics and tests). */
  refused = 0;
  coalesced = 0;

  constructor(
    private readonly maxBatch = 1_000,
    readonly maxQueue = DEFAULT_ENGINE_MAX_QUEUE,
  ) {
    if (!Number.isInteger(maxQueue) || maxQueue < 1) throw new RangeError(`maxQueue must be a whole number ≥ 1, got ${maxQueue}`);
  }

  request(request: EngineRequest, timeoutMs: number): Promise<EngineReply> {
    return new Promise<EngineReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new EngineTimeoutError(request.command.commandId, timeoutMs)), timeoutMs);
      try {
        this.enqueue({
          ...request,
          reply: (reply) => {
            clearTimeout(timer);
            resolve(reply);
          },
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  submit(request: EngineRequest): void {
    this.enqueue({ ...request, reply: NOBODY_WAITS });
  }

  start(handle: (batch: EngineInput[]) => Promise<void>): void {
    this.handler = handle;
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
  }

  /** Inputs waiting for the engine (back-pressure signal). */
  get depth(): number {
    return this.queue.length;
  }

  private enqueue(input: EngineInput): void {
    if (this.queue.length >= this.maxQueue) {
      const key = coalescingKey(input.command);
      if (key === undefined) {
        this.refused += 1;
        throw new EngineOverloadedError(input.command.commandId, this.queue.length);
      }
      const waiting = this.waitingMarket.get(key);
      if (waiting) {
        // The newer price takes the older one's place; every asker hears when it is applied.
        waiting.command = input.command;
        waiting.correlationId = input.correlationId;
        if (input.reply !== NOBODY_WAITS) {
          let list = this.followers.get(waiting);
          if (!list) {
            const askers: ((reply: EngineReply) => void)[] = [];
            list = askers;
            this.followers.set(waiting, askers);
            const own = waiting.reply;
            waiting.reply = (reply) => {
              own(reply);
              for (const asker of askers) asker(reply);
            };
          }
          list.push(input.reply);
        }
        this.coalesced += 1;
        return;
      }
      this.waitingMarket.set(key, input);
    }
    this.queue.push(input);
    this.kick();
  }

  private kick(): void {
    if (this.draining || !this.handler || this.stopped || this.queue.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Let the current tick's requests join the batch before it is cut.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (!this.stopped && this.queue.length > 0 && this.handler) {
      const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
      // What is handed to the engine can no longer take a newer price.
      if (this.waitingMarket.size > 0) {
        for (const input of batch) {
          const key = coalescingKey(input.command);
          if (key !== undefined && this.waitingMarket.get(key) === input) this.waitingMarket.delete(key);
          this.followers.delete(input);
        }
      }
      await this.handler(batch);
    }
  }
}
