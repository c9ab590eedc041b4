import { Redis } from 'ioredis';
import { closeConnection, fieldMap } from '../../../../libs/messaging/src/index.js';
import { createLogger, type Logger } from '../../../../libs/platform/src/logger.js';
import { Backoff, type BackoffOptions } from '../backoff.js';
import type { FeedState, FeedStatus, PriceFeed, PublishTick } from '../price-feed.port.js';
import { RefusalLog } from '../tick-validation.js';
import { externalTick } from './external-tick.js';

export interface RedisStreamFeedOptions {
  url: string;
  /** The stream external publishers XADD to (default `{REDIS_PREFIX}feed:ticks`). */
  stream: string;
  /** How long one XREAD blocks; default 1 000 ms. */
  blockMs?: number;
  backoff?: BackoffOptions;
  clock?: () => number;
  logger?: Logger;
}

type StreamRead = [string, [string, string[]][]][] | null;

/**
 * Ticks from an external publisher, in any language, through a Redis stream: the feed follows the
 * stream with XREAD from the entries added after it started (older prices would be stale anyway),
 * checks each entry and forwards the valid ones. Entries are not consumed: trimming the stream
 * (`XADD … MAXLEN ~ N`) is the publisher's job. Run one such feed per deployment.
 */
export class RedisStreamPriceFeed implements PriceFeed {
  readonly name = 'redis';
  private readonly redis: Redis;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly refusals: RefusalLog;
  private readonly backoff: Backoff;
  private state: FeedState = 'idle';
  private stopping = false;
  private loop: Promise<void> | null = null;
  private lastId: string | null = null;
  private lastError: string | undefined;
  private ticks = 0;
  private lastTickAt: number | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly options: RedisStreamFeedOptions) {
    this.log = options.logger ?? createLogger('redis-feed');
    this.clock = options.clock ?? Date.now;
    this.refusals = new RefusalLog((fields, message) => this.log.warn({ ...fields, stream: options.stream }, `external ${message}`));
    this.backoff = new Backoff(options.backoff);
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      connectionName: 'ts-external-feed',
      // A stop while a connection attempt is under way should not keep the process up for 2 s.
      disconnectTimeout: 200,
      retryStrategy: () => this.backoff.next(),
    });
    this.redis.on('ready', () => {
      if (this.backoff.failures > 0) this.log.info({ stream: options.stream }, 'external tick stream reachable again');
      this.backoff.reset();
      this.lastError = undefined;
      if (!this.stopping) this.state = 'connected';
      this.wakeUp?.();
    });
    this.redis.on('error', (error: Error) => {
      if (this.stopping) return;
      const first = this.state !== 'reconnecting' || this.lastError === undefined;
      this.lastError = error.message;
      this.state = 'reconnecting';
      if (first || this.backoff.failures % 10 === 0) {
        this.log.warn(
          { url: redactUrl(options.url), stream: options.stream, error: error.message, attempt: this.backoff.failures + 1 },
          `external tick feed cannot reach Redis at ${redactUrl(options.url)} (${error.message}); check REDIS_URL and that Redis runs; retrying with back-off`,
        );
      }
    });
  }

  async start(publish: PublishTick): Promise<void> {
    this.stopping = false;
    this.state = 'reconnecting';
    // Not awaited: the service starts (without these prices) while Redis is unreachable.
    this.loop = this.run(publish);
    this.log.info({ stream: this.options.stream }, 'external tick feed following the stream');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.state = 'idle';
    this.wakeUp?.();
    // QUIT once the blocked XREAD returns (≤ blockMs), else a hard disconnect.
    await closeConnection(this.redis, (this.options.blockMs ?? 1_000) + 500);
    // A command caught in a reconnection may never settle once disconnected: do not wait for ever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((resolve) => (timer = setTimeout(resolve, 1_000)))]);
    clearTimeout(timer);
  }

  /** Resolves once the connection is ready (or the feed stops): no command waits in ioredis' queue meanwhile. */
  private ready(): Promise<void> {
    if (this.redis.status === 'ready' || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeUp = () => {
        this.wakeUp = null;
        resolve();
      };
    });
  }

  status(): FeedStatus {
    const status: FeedStatus = { feed: this.name, state: this.state, ticks: this.ticks, lastTickAt: this.lastTickAt };
    if (this.state === 'reconnecting' && this.lastError) status.detail = this.lastError;
    return status;
  }

  private async run(publish: PublishTick): Promise<void> {
    this.redis.connect().catch(() => undefined); // retried by ioredis with the back-off
    while (!this.stopping) {
      try {
        await this.ready();
        if (this.stopping) break;
        if (this.lastId === null) {
          const [last] = (await this.redis.xrevrange(this.options.stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
          this.lastId = last ? last[0] : '0-0';
        }
        const result = (await this.redis.xread('COUNT', 1_000, 'BLOCK', this.options.blockMs ?? 1_000, 'STREAMS', this.options.stream, this.lastId)) as StreamRead;
        if (this.stopping) break;
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            this.forward(id, fieldMap(fields), publish);
          }
        }
      } catch (error) {
        if (this.stopping) break;
        this.log.debug({ err: error }, 'external tick stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private forward(id: string, fields: ReadonlyMap<string, string>, publish: PublishTick): void {
    const checked = externalTick(fields, this.clock(), this.name);
    if (!checked.ok) {
      this.refusals.refused(checked.problem, { id });
      return;
    }
    this.ticks += 1;
    this.lastTickAt = checked.tick.time;
    try {
      const sent = publish(checked.tick);
      if (sent) sent.catch((error: unknown) => this.log.warn({ err: error, id }, 'external tick not taken by the engine'));
    } catch (error) {
      this.log.warn({ err: error, id }, 'external tick not taken by the engine');
    }
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
