import { Redis } from 'ioredis';
import type { RecordedEvent } from '../../../../libs/event-store/src/index.js';
import type { Logger } from '../../../../libs/platform/src/logger.js';
import type { LiveEvent, LiveEventSource } from './stream-messages.js';

type Listener<T extends unknown[]> = (...args: T) => void;

class Listeners<T extends unknown[]> {
  private readonly set = new Set<Listener<T>>();

  add(listener: Listener<T>): () => void {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  }

  emit(...args: T): void {
    for (const listener of this.set) listener(...args);
  }
}

/**
 * Embedded mode: the projector hands every batch it stored to `publish` (its `afterBatch` hook), so
 * a subscriber hears of an event once the read models show it.
 */
export class InProcessLiveEvents implements LiveEventSource {
  private readonly listeners = new Listeners<[LiveEvent[]]>();

  onEvents(listener: (events: LiveEvent[]) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Never throws: a failing listener must not stop the projection. */
  readonly publish = async (events: RecordedEvent[]): Promise<void> => {
    try {
      this.listeners.emit(events);
    } catch {
      // the hub guards its own sessions; nothing to do here
    }
  };
}

const BLOCK_MS = 2_000;
const READ_COUNT = 1_000;

/** `[k1, v1, k2, v2, …]` → a LiveEvent, or undefined when the entry is not one of ours. */
export function decodeRelayEntry(fields: string[]): LiveEvent | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const position = Number(map.get('position'));
  const stream = map.get('stream');
  const type = map.get('type');
  if (!Number.isSafeInteger(position) || !stream || !type) return undefined;
  try {
    return {
      position,
      stream,
      type,
      data: JSON.parse(map.get('data') ?? '{}') as Record<string, unknown>,
      metadata: JSON.parse(map.get('metadata') ?? '{}') as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}

/**
 * Distributed mode: follows the projector's relay stream (`${prefix}events`) with a blocking XREAD
 * on its own connection, so every API instance can serve every subscriber. It starts after the
 * newest entry present at `start()`; anything earlier is served from the log by the sessions' replay.
 * When Redis fails and comes back, listeners of `onGap` are told (the stream may have been trimmed
 * past the last entry read) and sessions resume from the log.
 */
export class RedisLiveEvents implements LiveEventSource {
  private readonly listeners = new Listeners<[LiveEvent[]]>();
  private readonly gapListeners = new Listeners<[]>();
  private redis?: Redis;
  private lastId = '0-0';
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly logger: Logger,
  ) {}

  onEvents(listener: (events: LiveEvent[]) => void): () => void {
    return this.listeners.add(listener);
  }

  onGap(listener: () => void): () => void {
    return this.gapListeners.add(listener);
  }

  async start(): Promise<void> {
    const redis = new Redis(this.url, { maxRetriesPerRequest: null });
    this.redis = redis;
    let lost = false;
    redis.on('close', () => {
      if (!this.stopped) lost = true;
    });
    redis.on('ready', () => {
      if (!lost || this.stopped) return;
      lost = false;
      this.logger.warn('events relay connection restored: live subscribers resume from the log');
      this.gapListeners.emit();
    });
    const [newest] = (await redis.xrevrange(this.key, '+', '-', 'COUNT', 1)) as [string, string[]][];
    this.lastId = newest ? newest[0] : '0-0';
    this.loop = this.follow(redis);
  }

  private async follow(redis: Redis): Promise<void> {
    let failing = false;
    while (!this.stopped) {
      try {
        const reply = (await redis.xread('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.key, this.lastId)) as
          | [string, [string, string[]][]][]
          | null;
        failing = false;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        this.lastId = entries[entries.length - 1]![0];
        const events = entries.map(([, fields]) => decodeRelayEntry(fields)).filter((e): e is LiveEvent => e !== undefined);
        if (events.length > 0) this.listeners.emit(events);
      } catch (error) {
        if (this.stopped) break;
        if (!failing) this.logger.warn({ err: error }, 'reading the events relay failed; retrying');
        failing = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.redis?.disconnect();
    await this.loop?.catch(() => undefined);
  }
}
