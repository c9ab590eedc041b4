import { Redis } from 'ioredis';
import type { EngineCommand, Outcome } from '../../../domain/src/index.js';
import { createLogger, type Logger } from '../../../platform/src/logger.js';
import type { EngineInput, EngineInputSource, EngineReply } from '../engine-transport.port.js';
import {
  commandIdOf,
  compareStreamIds,
  decodeCommand,
  encodeReply,
  fieldMap,
  FIELD,
  nextStreamId,
} from './redis-streams.codec.js';
import { closeConnection, WakeableReader } from './redis-connections.js';
import { redisStreamKeys, type RedisStreamKeys } from './redis-streams.keys.js';

export interface RedisEngineInputOptions {
  /** The shard this engine owns: it reads `commands:{shard}` and the shared tick stream. */
  shard: number;
  /** Default: `REDIS_URL`, else redis://127.0.0.1:6379. */
  url?: string;
  /** Key prefix; default `ts:`. */
  prefix?: string;
  /**
   * Consumer name in the shard's group; default `engine-{shard}`. A successor takes over whatever
   * its predecessor left pending whatever the names, so a stable name only saves group clutter.
   */
  consumer?: string;
  /**
   * XREADGROUP / XAUTOCLAIM COUNT per stream, 1..1000; default 1000. A batch merges both streams,
   * so it holds up to twice this many inputs.
   */
  batchSize?: number;
  /** How long one XREADGROUP blocks before it loops; default 5 000 ms. */
  blockMs?: number;
  /** Approximate length cap of a reply stream; default 10 000. */
  replyMaxLen?: number;
  /** Expiry (re)set on a reply stream each time it is written, so dead API instances leave nothing; default 10 min. */
  replyTtlMs?: number;
  /** A reply later than its request's deadline plus this margin (clock skew) is not written: nobody waits for it; default 1 000 ms. */
  replyGraceMs?: number;
  logger?: Logger;
}

type Source = 'commands' | 'ticks';

interface Entry {
  source: Source;
  id: string;
  /** null: the entry was deleted (trimmed) while pending. */
  fields: string[] | null;
}

interface QueuedReply {
  stream: string;
  deadline?: number;
  reply: EngineReply;
}

type StreamRead = [key: string, items: [id: string, fields: string[] | null][]][] | null;

const MALFORMED_OUTCOME: Outcome = {
  code: 'TRADE_RETCODE_ERROR',
  message: 'The engine could not read the request; it was not applied',
  reason: 'MALFORMED_COMMAND',
};

/**
 * The engine side of the Redis Streams transport, for one shard.
 *
 * The shard's consumer group (same name on both streams, as XREADGROUP takes one group) reads its
 * command stream from the beginning and the shared tick stream from `$` (old ticks are worthless).
 * On start, and again after any failure, entries left pending (by a crashed predecessor, or by a
 * failed batch) are claimed with XAUTOCLAIM and handled before anything new: the engine is the
 * single writer of its shard, so nobody else can be working on them, and it answers a redelivered
 * command from memory. Then XREADGROUP BLOCK on both streams, merged in id order into one batch.
 * Entries are acknowledged only after `handle` resolved and its replies were written; the command
 * stream is then trimmed up to, never past, the oldest entry still pending.
 */
export class RedisEngineInputSource implements EngineInputSource {
  readonly shard: number;
  readonly consumer: string;
  private readonly keys: RedisStreamKeys;
  private readonly commandStream: string;
  private readonly tickStream: string;
  private readonly group: string;
  private readonly replyPrefix: string;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly replyMaxLen: number;
  private readonly replyTtlMs: number;
  private readonly replyGraceMs: number;
  private readonly log: Logger;
  /** Setup, replies, acks, trims, claims. */
  private readonly redis: Redis;
  /** The blocking XREADGROUP and nothing else. */
  /** The last trim of the command stream, in flight or done. */
  private trimming: Promise<unknown> = Promise.resolve();
  private readonly reader: WakeableReader;

  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private stopping = false;
  private inBatch = false;
  private wake: (() => void) | null = null;
  private replyQueue: QueuedReply[] = [];
  private replyFlushes = new Set<Promise<void>>();
  private markReady!: () => void;
  /**
   * Resolves once the consumer groups exist and what a predecessor left pending has been handled
   * (or the source was stopped first). Ticks are read from `$`: a tick submitted before this
   * resolves, on a brand-new tick group, may be missed.
   */
  readonly ready: Promise<void> = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(options: RedisEngineInputOptions) {
    const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.keys = redisStreamKeys(options.prefix);
    this.shard = options.shard;
    this.commandStream = this.keys.commands(options.shard);
    this.tickStream = this.keys.ticks();
    this.group = this.keys.engineGroup(options.shard);
    this.replyPrefix = this.keys.replies('x').slice(0, -1);
    this.consumer = options.consumer ?? `engine-${options.shard}`;
    this.batchSize = options.batchSize ?? 1_000;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 1_000) {
      throw new RangeError(`batchSize must be an integer in 1..1000, got ${this.batchSize}`);
    }
    this.blockMs = options.blockMs ?? 5_000;
    this.replyMaxLen = options.replyMaxLen ?? 10_000;
    this.replyTtlMs = options.replyTtlMs ?? 10 * 60_000;
    this.replyGraceMs = options.replyGraceMs ?? 1_000;
    this.log = (options.logger ?? createLogger('redis-engine-input')).child({ shard: this.shard, consumer: this.consumer });

    this.redis = new Redis(url, { connectionName: `ts-engine-${this.shard}-${this.consumer}` });
    const reader = new Redis(url, { maxRetriesPerRequest: null, connectionName: `ts-engine-${this.shard}-${this.consumer}-reader` });
    this.reader = new WakeableReader(reader, this.redis);
    this.redis.on('error', (err) => this.log.warn({ err }, 'redis connection error (engine input)'));
    reader.on('error', (err) => this.log.warn({ err }, 'redis connection error (engine input reader)'));
  }

  start(handle: (batch: EngineInput[]) => Promise<void>): void {
    if (this.loop || this.stopped) throw new Error('RedisEngineInputSource already started or stopped: create a new one');
    this.loop = this.run(handle);
  }

  /**
   * Ends the loop after the batch in hand (acknowledged) and closes the connections. With
   * `graceMs`, gives up waiting after that long and closes anyway: unacknowledged entries stay
   * pending for the next engine of this shard.
   */
  stop(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.stopped ??= this.shutdown(graceMs);
    return this.stopped;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.stopping = true; // no batch starts from here on
    this.wake?.();
    // A blocked XREADGROUP would hold the loop for up to blockMs: wake it (it returns nothing).
    await this.reader.interrupt();
    if (this.inBatch && this.loop) {
      // The batch in hand finishes and is acknowledged (or, past graceMs, stays pending).
      let timer: NodeJS.Timeout | undefined;
      const late = Number.isFinite(graceMs) ? new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))) : null;
      await (late ? Promise.race([this.loop, late]) : this.loop);
      clearTimeout(timer);
    }
    // Outside a batch nothing is worth waiting for: closing ends any Redis call still in flight
    // (e.g. waiting for a reconnection), and what it claimed or read stays pending.
    await this.reader.close();
    await Promise.allSettled([...this.replyFlushes, this.trimming]);
    await closeConnection(this.redis);
    if (!this.inBatch) await this.loop;
  }

  private async run(handle: (batch: EngineInput[]) => Promise<void>): Promise<void> {
    let groupsReady = false;
    let recover = true;
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!groupsReady) {
          await this.ensureGroups();
          groupsReady = true;
        }
        if (recover) {
          await this.recoverPending(handle);
          recover = false;
          this.markReady();
        }
        const entries = await this.readNew();
        // Read just as stop() was called: left pending for the next engine of this shard.
        if (this.stopping) break;
        if (entries.length > 0) await this.process(entries, handle);
        failures = 0;
      } catch (error) {
        if (this.stopping) break;
        failures += 1;
        // Whatever was read and not acknowledged is pending: claim it again before anything new.
        recover = true;
        groupsReady = false; // NOGROUP after a stream was deleted: recreate (idempotent)
        this.log.error({ err: error, failures }, 'engine input batch failed; its entries will be redelivered');
        await this.pause(Math.min(100 * 2 ** (failures - 1), 5_000));
      }
    }
    this.markReady();
  }

  private async ensureGroups(): Promise<void> {
    await Promise.all([this.createGroup(this.commandStream, '0'), this.createGroup(this.tickStream, '$')]);
  }

  private async createGroup(stream: string, from: '0' | '$'): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', stream, this.group, from, 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  /** Takes over every entry pending in this shard's group (any consumer) and handles them in id order. */
  private async recoverPending(handle: (batch: EngineInput[]) => Promise<void>): Promise<void> {
    const cursors: Record<Source, string | null> = { commands: '0-0', ticks: '0-0' };
    let recovered = 0;
    while (!this.stopping && (cursors.commands !== null || cursors.ticks !== null)) {
      const pages = await Promise.all(
        (['commands', 'ticks'] as const).map(async (source) => {
          const cursor = cursors[source];
          if (cursor === null) return [];
          const stream = source === 'commands' ? this.commandStream : this.tickStream;
          const [next, items] = (await this.redis.xautoclaim(stream, this.group, this.consumer, 0, cursor, 'COUNT', this.batchSize)) as [
            string,
            [string, string[] | null][],
            string[]?,
          ];
          cursors[source] = next === '0-0' ? null : next;
          return items.map(([id, fields]): Entry => ({ source, id, fields }));
        }),
      );
      if (this.stopping) return;
      const entries = this.merge(pages[0]!, pages[1]!);
      if (entries.length === 0) continue;
      recovered += entries.length;
      await this.process(entries, handle);
    }
    if (recovered > 0) this.log.warn({ entries: recovered }, 'redelivered entries left pending by a previous run');
    if (!this.stopping) await this.pruneIdleConsumers();
  }

  /** Consumers of this group other than ours, with nothing pending, are dead predecessors: remove them. */
  private async pruneIdleConsumers(): Promise<void> {
    for (const stream of [this.commandStream, this.tickStream]) {
      try {
        const consumers = (await this.redis.xinfo('CONSUMERS', stream, this.group)) as unknown[];
        for (const raw of consumers) {
          const info = toRecord(raw);
          if (info.name !== undefined && String(info.name) !== this.consumer && Number(info.pending) === 0) {
            await this.redis.xgroup('DELCONSUMER', stream, this.group, String(info.name));
          }
        }
      } catch (error) {
        this.log.warn({ err: error, stream }, 'could not prune idle consumers');
      }
    }
  }

  private async readNew(): Promise<Entry[]> {
    const result = await this.reader.read(
      () => !this.stopping,
      (connection) =>
        connection.xreadgroup(
          'GROUP', this.group, this.consumer,
          'COUNT', this.batchSize,
          'BLOCK', this.blockMs,
          'STREAMS', this.commandStream, this.tickStream, '>', '>',
        ) as Promise<StreamRead>,
      null,
    );
    const commands: Entry[] = [];
    const ticks: Entry[] = [];
    for (const [key, items] of result ?? []) {
      const source: Source = key === this.commandStream ? 'commands' : 'ticks';
      const into = source === 'commands' ? commands : ticks;
      for (const [id, fields] of items) into.push({ source, id, fields });
    }
    return this.merge(commands, ticks);
  }

  /** Both streams in one sequence, by entry id (each stream's own order is kept). */
  private merge(commands: Entry[], ticks: Entry[]): Entry[] {
    if (ticks.length === 0) return commands;
    if (commands.length === 0) return ticks;
    const merged: Entry[] = [];
    let c = 0;
    let t = 0;
    while (c < commands.length && t < ticks.length) {
      merged.push(compareStreamIds(commands[c]!.id, ticks[t]!.id) <= 0 ? commands[c++]! : ticks[t++]!);
    }
    while (c < commands.length) merged.push(commands[c++]!);
    while (t < ticks.length) merged.push(ticks[t++]!);
    return merged;
  }

  /** One batch: decode, handle, write the replies, acknowledge everything, trim. */
  private async process(entries: Entry[], handle: (batch: EngineInput[]) => Promise<void>): Promise<void> {
    this.inBatch = true;
    try {
      await this.processBatch(entries, handle);
    } finally {
      this.inBatch = false;
    }
  }

  private async processBatch(entries: Entry[], handle: (batch: EngineInput[]) => Promise<void>): Promise<void> {
    const batch: EngineInput[] = [];
    for (const entry of entries) {
      const fields = fieldMap(entry.fields);
      const replyTo = this.replyStreamOf(entry, fields.get(FIELD.replyTo));
      const deadlineText = fields.get(FIELD.deadline);
      const deadline = deadlineText ? Number(deadlineText) : undefined;
      const text = fields.get(FIELD.command);
      let command: EngineCommand;
      try {
        if (entry.fields === null) throw new Error('entry was deleted while pending');
        if (text === undefined) throw new Error('entry has no command field');
        command = decodeCommand(text);
      } catch (error) {
        const commandId = commandIdOf(text);
        this.log.error({ err: error, id: entry.id, stream: entry.source, commandId }, 'malformed engine input acknowledged and skipped');
        if (replyTo && commandId) this.queueReply({ stream: replyTo, deadline, reply: { commandId, outcome: MALFORMED_OUTCOME, position: 0 } });
        continue;
      }
      batch.push({
        command,
        correlationId: fields.get(FIELD.correlationId) ?? '',
        reply: replyTo ? (reply) => this.queueReply({ stream: replyTo, deadline, reply }) : () => undefined,
      });
    }

    if (batch.length > 0) await handle(batch);
    // Replies before the ack: if we die in between, the entries are redelivered and answered again.
    await Promise.all([...this.replyFlushes]);
    await this.acknowledge(entries);
  }

  /** Replies only go to reply streams of this prefix: a bad field must not make the engine write just any key. */
  private replyStreamOf(entry: Entry, replyTo: string | undefined): string | undefined {
    if (!replyTo) return undefined;
    if (replyTo.startsWith(this.replyPrefix) && replyTo.length > this.replyPrefix.length) return replyTo;
    this.log.warn({ id: entry.id, stream: entry.source, replyTo }, 'reply stream outside this prefix ignored');
    return undefined;
  }

  private queueReply(reply: QueuedReply): void {
    this.replyQueue.push(reply);
    if (this.replyQueue.length > 1) return; // a flush is already scheduled
    // Every reply given in the same tick (the engine answers a whole batch at once) shares one pipeline.
    const flush = new Promise<void>((resolve) => queueMicrotask(resolve))
      .then(() => this.flushReplies())
      .finally(() => this.replyFlushes.delete(flush));
    this.replyFlushes.add(flush);
  }

  /** Never rejects: a reply that cannot be written is logged; its requester times out and may retry. */
  private async flushReplies(): Promise<void> {
    const queued = this.replyQueue;
    this.replyQueue = [];
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    const streams = new Set<string>();
    let late = 0;
    for (const { stream, deadline, reply } of queued) {
      if (deadline !== undefined && Number.isFinite(deadline) && now > deadline + this.replyGraceMs) {
        late += 1;
        continue;
      }
      pipeline.xadd(stream, 'MAXLEN', '~', this.replyMaxLen, '*', FIELD.reply, encodeReply(reply), FIELD.shard, String(this.shard));
      streams.add(stream);
    }
    if (late > 0) this.log.debug({ replies: late }, 'replies past their deadline not written');
    if (streams.size === 0) return;
    for (const stream of streams) pipeline.pexpire(stream, this.replyTtlMs);
    try {
      const results = await pipeline.exec();
      const errors = (results ?? []).filter(([error]) => error).map(([error]) => error);
      if (errors.length > 0) this.log.error({ err: errors[0], failed: errors.length }, 'some engine replies could not be written');
    } catch (error) {
      this.log.error({ err: error, replies: queued.length - late }, 'engine replies could not be written');
    }
  }

  private async acknowledge(entries: Entry[]): Promise<void> {
    const commandIds: string[] = [];
    const tickIds: string[] = [];
    for (const entry of entries) (entry.source === 'commands' ? commandIds : tickIds).push(entry.id);
    const pipeline = this.redis.pipeline();
    if (commandIds.length > 0) pipeline.xack(this.commandStream, this.group, ...commandIds);
    if (tickIds.length > 0) pipeline.xack(this.tickStream, this.group, ...tickIds);
    if (commandIds.length > 0) pipeline.xpending(this.commandStream, this.group);
    const results = await pipeline.exec();
    if (!results) throw new Error('acknowledgement pipeline was not executed');
    for (const [error] of results) if (error) throw error;
    if (commandIds.length === 0) return;

    // Trim what is acknowledged: below the oldest entry still pending (another consumer's, e.g. a
    // zombie predecessor) and below the first entry after this batch (not read yet).
    const [count, oldestPending] = results[results.length - 1]![1] as [number, string | null, string | null, unknown];
    let threshold = nextStreamId(commandIds.reduce((max, id) => (compareStreamIds(id, max) > 0 ? id : max)));
    if (Number(count) > 0 && oldestPending && compareStreamIds(oldestPending, threshold) < 0) threshold = oldestPending;
    // Not waited for: nothing depends on it, and the next batch's read need not wait a round trip.
    this.trimming = this.redis.xtrim(this.commandStream, 'MINID', '~', threshold).catch((error: unknown) => {
      if (!this.stopping) this.log.warn({ err: error, threshold }, 'could not trim the command stream');
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = null));
  }
}

/** XINFO CONSUMERS items: a flat `[k, v, …]` array (RESP2 / legacy mapping) or an object (RESP3 mapping). */
function toRecord(raw: unknown): Record<string, unknown> {
  if (Array.isArray(raw)) {
    const record: Record<string, unknown> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) record[String(raw[i])] = raw[i + 1];
    return record;
  }
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
}
