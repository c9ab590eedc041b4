import {
  EngineTimeoutError,
  type EngineClient,
  type EngineInput,
  type EngineInputSource,
  type EngineReply,
  type EngineRequest,
} from '../engine-transport.port.js';

/**
 * The embedded bus: one in-memory queue between the API and the engine of the same process.
 * Inputs queued while a batch is being handled form the next batch (group commit).
 */
export class InProcessEngineBus implements EngineClient, EngineInputSource {
  private queue: EngineInput[] = [];
  private handler?: (batch: EngineInput[]) => Promise<void>;
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly maxBatch = 1_000) {}

  request(request: EngineRequest, timeoutMs: number): Promise<EngineReply> {
    return new Promise<EngineReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new EngineTimeoutError(request.command.commandId, timeoutMs)), timeoutMs);
      this.enqueue({
        ...request,
        reply: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      });
    });
  }

  submit(request: EngineRequest): void {
    this.enqueue({ ...request, reply: () => undefined });
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
      await this.handler(batch);
    }
  }
}
