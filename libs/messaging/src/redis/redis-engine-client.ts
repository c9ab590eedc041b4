import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EngineCommand, Outcome } from '../../../domain/src/index.js';
import { createLogger, type Logger } from '../../../platform/src/logger.js';
import { EngineOverloadedError, EngineTimeoutError, type EngineClient, type EngineReply, type EngineRequest } from '../engine-transport.port.js';
import { decodeReply, encodeCommand, fieldMap, FIELD } from './redis-streams.codec.js';
import { closeConnection, WakeableReader } from './redis-connections.js';
import { redisStreamKeys, type RedisStreamKeys } from './redis-streams.keys.js';
import { isBroadcast, shardFor } from './shard-routing.js';

export interface RedisEngineClientOptions {
  /** Default: `REDIS_URL`, else redis://127.0.0.1:6379. */
  url?: string;
  /** Key prefix; default `ts:`. */
  prefix?: string;
  /** Number of engine shards; default 1. */
  shards?: number;
  /** Owner shard of a command (not called for broadcast commands); default `shardFor(command, shards)`. */
  shardOf?: (command: EngineCommand) => number;
  /** Names this instance's reply stream; default a random UUID. */
  instanceId?: string;
  /** Approximate length cap of the shared tick stream (submitted ticks); default 10 000. */
  tickMaxLen?: number;
  /** How long one XREAD of the reply stream blocks before it loops; default 5 000 ms. */
  replyBlockMs?: number;
  /**
   * Back-pressure: at most this many commands of this instance await the engine at once; past it a
   * request is refused with EngineOverloadedError before anything is written (default: no bound).
   */
  maxInFlight?: number;
  logger?: Logger;
}

interface Waiter {
  /** A broadcast command (ApplyTick, AdvanceClock, DefineGroup) sent to every shard: complete once each has answered. */
  broadcast: boolean;
  /** Shards still expected to answer. */
  expected: Set<number>;
  outcome?: Outcome;
  position: number;
  resolve(reply: EngineReply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const REPLY_READ_COUNT = 1_000;

/**
 * The API side of the Redis Streams transport. A request is XADDed to the command stream of the
 * shard that owns it, with the name of this instance's reply stream; one dedicated connection
 * blocks on that reply stream and hands each reply to the request waiting for its commandId.
 * A reply nobody waits for any more (timed out) is dropped.
 */
export class RedisEngineClient implements EngineClient {
  readonly instanceId: string;
  readonly replyStream: string;
  readonly shards: number;
  private readonly keys: RedisStreamKeys;
  private readonly shardOf: (command: EngineCommand) => number;
  private readonly tickMaxLen: number;
  private readonly replyBlockMs: number;
  private readonly maxInFlight: number;
  private waiting = 0;
  private readonly log: Logger;
  /** Writes (XADD); auto-pipelined so concurrent requests share round trips. */
  private readonly redis: Redis;
  /** Blocks on the reply stream; nothing else runs on it. */
  private readonly reader: WakeableReader;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private lastReplyId = '0-0';
  private closed = false;
  private wakeUp: (() => void) | null = null;
  private readonly readerLoop: Promise<void>;

  constructor(options: RedisEngineClientOptions = {}) {
    const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.shards = options.shards ?? 1;
    if (!Number.isSafeInteger(this.shards) || this.shards < 1) throw new RangeError(`shards must be a positive integer, got ${this.shards}`);
    this.keys = redisStreamKeys(options.prefix);
    this.instanceId = options.instanceId ?? randomUUID();
    this.replyStream = this.keys.replies(this.instanceId);
    this.shardOf = options.shardOf ?? ((command) => shardFor(command, this.shards));
    this.tickMaxLen = options.tickMaxLen ?? 10_000;
    this.replyBlockMs = options.replyBlockMs ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
    this.log = options.logger ?? createLogger('redis-engine-client');

    this.redis = new Redis(url, { enableAutoPipelining: true, connectionName: `ts-api-${this.instanceId}` });
    const reader = new Redis(url, { maxRetriesPerRequest: null, connectionName: `ts-api-replies-${this.instanceId}` });
    this.reader = new WakeableReader(reader, this.redis);
    this.redis.on('error', (err) => this.log.warn({ err }, 'redis connection error (engine client)'));
    reader.on('error', (err) => this.log.warn({ err }, 'redis connection error (engine client reply reader)'));
    // Reading from 0-0 rather than `$`: no reply written after construction can be missed, and
    // whatever an earlier instance with the same id left behind is dropped as unknown.
    this.readerLoop = this.readReplies();
  }

  request(request: EngineRequest, timeoutMs: number): Promise<EngineReply> {
    const { command } = request;
    if (this.closed) return Promise.reject(new Error('RedisEngineClient is closed'));
    // Market inputs (ticks, the clock) are never refused here: they carry no client to push back on.
    if (this.waiting >= this.maxInFlight && command.type !== 'ApplyTick' && command.type !== 'AdvanceClock') {
      return Promise.reject(new EngineOverloadedError(command.commandId, this.waiting));
    }
    let shards: number[];
    let encoded: string;
    try {
      shards = isBroadcast(command) ? this.allShards() : [this.route(command)];
      encoded = encodeCommand(command);
    } catch (error) {
      return Promise.reject(error as Error);
    }

    return new Promise<EngineReply>((resolve, reject) => {
      const waiter: Waiter = {
        broadcast: isBroadcast(command),
        expected: new Set(shards),
        position: 0,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.forget(command.commandId, waiter);
          reject(new EngineTimeoutError(command.commandId, timeoutMs));
        }, timeoutMs),
      };
      // Registered before the XADD: the reply cannot overtake its waiter.
      const set = this.waiters.get(command.commandId);
      if (set) set.add(waiter);
      else this.waiters.set(command.commandId, new Set([waiter]));
      this.waiting += 1;

      const fields = [
        FIELD.command, encoded,
        FIELD.correlationId, request.correlationId,
        FIELD.replyTo, this.replyStream,
        FIELD.deadline, String(Date.now() + timeoutMs),
      ];
      const fail = (error: unknown) => {
        if (!this.forget(command.commandId, waiter)) return;
        clearTimeout(waiter.timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      Promise.all(shards.map((shard) => this.redis.xadd(this.keys.commands(shard), '*', ...fields))).catch(fail);
    });
  }

  submit(request: EngineRequest): void {
    const { command } = request;
    if (this.closed) {
      this.log.warn({ commandId: command.commandId, type: command.type }, 'submit after close: dropped');
      return;
    }
    let sent: Promise<unknown>;
    try {
      const fields = [FIELD.command, encodeCommand(command), FIELD.correlationId, request.correlationId];
      if (command.type === 'ApplyTick') {
        // Feed ticks: one shared, length-capped stream that every shard's group reads.
        sent = this.redis.xadd(this.keys.ticks(), 'MAXLEN', '~', this.tickMaxLen, '*', ...fields);
      } else {
        // Other broadcast commands (clock, group definitions) must not be trimmed away: each shard's own stream.
        const shards = isBroadcast(command) ? this.allShards() : [this.route(command)];
        sent = Promise.all(shards.map((shard) => this.redis.xadd(this.keys.commands(shard), '*', ...fields)));
      }
    } catch (error) {
      this.log.error({ err: error, commandId: command.commandId, type: command.type }, 'could not submit a command');
      return;
    }
    sent.catch((error: unknown) => this.log.error({ err: error, commandId: command.commandId, type: command.type }, 'could not submit a command'));
  }

  /** Requests still waiting for a reply. */
  get pending(): number {
    let count = 0;
    for (const set of this.waiters.values()) count += set.size;
    return count;
  }

  /** Rejects whatever still waits, stops reading replies, deletes this instance's reply stream. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('RedisEngineClient closed before the engine replied');
    for (const set of this.waiters.values()) {
      for (const waiter of set) {
        clearTimeout(waiter.timer);
        waiter.reject(error);
      }
    }
    this.waiters.clear();
    this.waiting = 0;
    this.wakeUp?.();
    await this.reader.close();
    await this.readerLoop;
    try {
      await this.redis.del(this.replyStream);
    } catch (err) {
      this.log.warn({ err, stream: this.replyStream }, 'could not delete the reply stream (it expires)');
    }
    await closeConnection(this.redis);
  }

  private allShards(): number[] {
    return [...Array(this.shards).keys()];
  }

  private route(command: EngineCommand): number {
    const shard = this.shardOf(command);
    if (!Number.isSafeInteger(shard) || shard < 0 || shard >= this.shards) {
      throw new RangeError(`${command.type} ${command.commandId} routed to shard ${shard}, outside 0..${this.shards - 1}`);
    }
    return shard;
  }

  private async readReplies(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        const result = await this.reader.read(
          () => !this.closed,
          (connection) => connection.xread('COUNT', REPLY_READ_COUNT, 'BLOCK', this.replyBlockMs, 'STREAMS', this.replyStream, this.lastReplyId),
          null,
        );
        failures = 0;
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            this.lastReplyId = id;
            this.dispatch(id, fields);
          }
        }
      } catch (error) {
        if (this.closed) return;
        failures += 1;
        this.log.warn({ err: error, failures }, 'reading engine replies failed; retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(100 * 2 ** (failures - 1), 2_000));
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
      }
    }
  }

  private dispatch(id: string, fields: string[]): void {
    const map = fieldMap(fields);
    let reply: EngineReply;
    try {
      reply = decodeReply(map.get(FIELD.reply) ?? '');
    } catch (error) {
      this.log.warn({ err: error, id, stream: this.replyStream }, 'malformed engine reply dropped');
      return;
    }
    const waiters = this.waiters.get(reply.commandId);
    if (!waiters) return; // timed out, or answered already (a redelivered command answered twice)
    const shard = Number(map.get(FIELD.shard));
    for (const waiter of [...waiters]) {
      if (waiter.broadcast) {
        // Count each shard once, even if it answers twice (a redelivery).
        if (!waiter.expected.delete(shard)) continue;
      } else {
        waiter.expected.clear();
      }
      waiter.position = Math.max(waiter.position, reply.position);
      if (!waiter.outcome || (waiter.outcome.code === 'TRADE_RETCODE_DONE' && reply.outcome.code !== 'TRADE_RETCODE_DONE')) {
        waiter.outcome = reply.outcome;
      }
      if (waiter.expected.size > 0) continue;
      this.forget(reply.commandId, waiter);
      clearTimeout(waiter.timer);
      waiter.resolve({ commandId: reply.commandId, outcome: waiter.outcome, position: waiter.position });
    }
  }

  private forget(commandId: string, waiter: Waiter): boolean {
    const set = this.waiters.get(commandId);
    if (!set?.delete(waiter)) return false;
    this.waiting -= 1;
    if (set.size === 0) this.waiters.delete(commandId);
    return true;
  }
}
