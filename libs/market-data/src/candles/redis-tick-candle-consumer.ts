import { Redis } from 'ioredis';
import type { Quote } from '../../../domain/src/index.js';
import { closeConnection, decodeCommand, fieldMap, FIELD, redisStreamKeys, WakeableReader } from '../../../messaging/src/index.js';
import type { Logger } from '../../../platform/src/logger.js';
import type { CandleProjection } from './candle-projection.js';

export interface RedisTickCandleConsumerOptions {
  url: string;
  /** The deployment's key prefix (`REDIS_PREFIX`, default `ts:`). */
  prefix: string;
  /** This consumer's name in the group (one per API instance). */
  consumer: string;
  projection: CandleProjection;
  logger: Logger;
  /** Consumer group name; default `candles`. */
  group?: string;
  batchSize?: number;
  blockMs?: number;
  /** Entries another consumer left pending this long are taken over; default 60 s. */
  claimIdleMs?: number;
}

type StreamRead = [string, [string, string[]][]][] | null;

/**
 * Distributed candles: a consumer group (`candles`) on the same streams the engines take ticks
 * from, so candles see every tick the engines apply, each once per group however many API
 * instances share the work:
 * - `{prefix}ticks`: the feed's ticks (every engine shard reads it with its own group);
 * - `{prefix}commands:0`: admin ticks, which go to every shard's command stream as `ApplyTick`
 *   requests; shard 0's copy is read and every other command there is ignored.
 *
 * Why not the prices the engines publish: they are collapsed to the last quote per symbol and
 * batch (highs and lows between would be lost), sent over at-most-once pub/sub, and published by
 * every shard (duplicates). The group gives at-least-once delivery (entries are acknowledged after
 * their candles are stored, and what a dead instance left pending is claimed after `claimIdleMs`).
 */
export class RedisTickCandleConsumer {
  private readonly redis: Redis;
  private readonly reader: WakeableReader;
  private readonly streams: string[];
  private readonly group: string;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private lastClaim = 0;

  constructor(private readonly options: RedisTickCandleConsumerOptions) {
    const keys = redisStreamKeys(options.prefix);
    this.streams = [keys.ticks(), keys.commands(0)];
    this.group = options.group ?? 'candles';
    this.redis = new Redis(options.url, { connectionName: `ts-candles-${options.consumer}` });
    const blocking = new Redis(options.url, { maxRetriesPerRequest: null, connectionName: `ts-candles-read-${options.consumer}` });
    this.reader = new WakeableReader(blocking, this.redis);
    this.redis.on('error', (err) => options.logger.warn({ err }, 'redis connection error (candle consumer)'));
    blocking.on('error', (err) => options.logger.warn({ err }, 'redis connection error (candle consumer reader)'));
  }

  /** Creates the group (from now on) and starts consuming; resolves once the group exists. */
  async start(): Promise<void> {
    await this.ensureGroups();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.reader.close();
    await this.loop;
    await closeConnection(this.redis);
  }

  private async ensureGroups(): Promise<void> {
    for (const stream of this.streams) {
      try {
        await this.redis.xgroup('CREATE', stream, this.group, '$', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
      }
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (Date.now() - this.lastClaim >= (this.options.claimIdleMs ?? 60_000)) await this.claimAbandoned();
        const result = await this.reader.read(
          () => !this.stopping,
          (connection) =>
            connection.xreadgroup(
              'GROUP', this.group, this.options.consumer,
              'COUNT', this.options.batchSize ?? 1_000,
              'BLOCK', this.options.blockMs ?? 2_000,
              'STREAMS', ...this.streams, '>', '>',
            ) as Promise<StreamRead>,
          null,
        );
        if (this.stopping) break;
        for (const [stream, items] of result ?? []) await this.process(stream, items);
        failures = 0;
      } catch (error) {
        if (this.stopping) break;
        failures += 1;
        this.options.logger.warn({ err: error, failures }, 'candle consumer read failed; retrying');
        if (String((error as Error).message).startsWith('NOGROUP')) await this.ensureGroups().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** (failures - 1), 5_000)));
      }
    }
  }

  /** What a consumer that died left pending (idle past claimIdleMs) is processed here. */
  private async claimAbandoned(): Promise<void> {
    this.lastClaim = Date.now();
    const idle = this.options.claimIdleMs ?? 60_000;
    for (const stream of this.streams) {
      let cursor = '0-0';
      do {
        const [next, items] = (await this.redis.xautoclaim(stream, this.group, this.options.consumer, idle, cursor, 'COUNT', 1_000)) as [string, [string, string[] | null][]];
        await this.process(stream, items);
        cursor = next;
      } while (cursor !== '0-0' && !this.stopping);
    }
  }

  private async process(stream: string, items: [string, string[] | null][]): Promise<void> {
    if (items.length === 0) return;
    const ticks: Quote[] = [];
    for (const [, fields] of items) {
      const text = fieldMap(fields).get(FIELD.command);
      if (text === undefined || !text.includes('"ApplyTick"')) continue;
      try {
        const command = decodeCommand(text);
        if (command.type === 'ApplyTick') ticks.push(command.tick);
      } catch {
        // A malformed entry is the engine's to report; candles skip it.
      }
    }
    await this.options.projection.record(ticks);
    await this.redis.xack(stream, this.group, ...items.map(([id]) => id));
  }
}
