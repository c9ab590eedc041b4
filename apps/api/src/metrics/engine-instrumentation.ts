import type { EngineCommand } from '../../../../libs/domain/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';
import { EngineTimeoutError, type EngineClient, type EngineInput, type EngineReply, type EngineRequest } from '../../../../libs/messaging/src/index.js';
import type { TradestreamMetrics } from './metrics.js';

const seconds = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;

/** Prices and the clock are market inputs, not requests: their outcomes are not counted as commands. */
const isCommand = (command: EngineCommand) => command.type !== 'ApplyTick' && command.type !== 'AdvanceClock';

/**
 * Measures the engine from the outside, without touching its code: the client side stamps each
 * command when it is queued and counts its outcome; the input side times each batch and how long
 * its inputs waited; the event store side times each append. Wrap only what the process runs.
 */
export class EngineInstrumentation {
  private readonly queuedAt = new WeakMap<EngineCommand, bigint>();

  constructor(private readonly metrics: TradestreamMetrics) {}

  /** The engine client the API uses: outcomes by result code, queue time stamps. */
  client(inner: EngineClient): EngineClient {
    const { metrics, queuedAt } = this;
    return {
      async request(request: EngineRequest, timeoutMs: number): Promise<EngineReply> {
        queuedAt.set(request.command, process.hrtime.bigint());
        try {
          const reply = await inner.request(request, timeoutMs);
          if (isCommand(request.command)) metrics.countOutcome(request.command.type, reply.outcome.code);
          return reply;
        } catch (error) {
          if (error instanceof EngineTimeoutError && isCommand(request.command)) metrics.countOutcome(request.command.type, 'TRADE_RETCODE_TIMEOUT');
          throw error;
        }
      },
      submit(request: EngineRequest): void {
        queuedAt.set(request.command, process.hrtime.bigint());
        inner.submit(request);
      },
    };
  }

  /** The engine's batch handler: batch size, time in queue, ticks, batch duration. */
  handler(inner: (batch: EngineInput[]) => Promise<void>): (batch: EngineInput[]) => Promise<void> {
    const { metrics, queuedAt } = this;
    return async (batch) => {
      const started = process.hrtime.bigint();
      let ticks = 0;
      for (const input of batch) {
        if (input.command.type === 'ApplyTick') ticks += 1;
        const queued = queuedAt.get(input.command);
        if (queued !== undefined) metrics.engineInputWait.observe(Number(started - queued) / 1e9);
      }
      metrics.engineBatchSize.observe(batch.length);
      try {
        await inner(batch);
      } finally {
        if (ticks > 0) metrics.ticks.inc(ticks);
        metrics.engineBatchDuration.observe(seconds(started));
      }
    };
  }

  /** The log as the engine writes to it: append latency and events per append. */
  eventStore(inner: EventStore): EventStore {
    const metrics = this.metrics;
    return new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'appendMany') {
          return async (requests: Parameters<EventStore['appendMany']>[0]) => {
            const started = process.hrtime.bigint();
            const result = await target.appendMany(requests);
            metrics.appendDuration.observe(seconds(started));
            metrics.engineBatchEvents.observe(requests.reduce((n, r) => n + r.events.length, 0));
            return result;
          };
        }
        if (property === 'append') {
          return async (...args: Parameters<EventStore['append']>) => {
            const started = process.hrtime.bigint();
            const result = await target.append(...args);
            metrics.appendDuration.observe(seconds(started));
            metrics.engineBatchEvents.observe(args[1].length);
            return result;
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
