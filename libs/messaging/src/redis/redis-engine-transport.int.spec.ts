import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { ApplyTick, EngineCommand, Outcome, PlaceOrder, RegisterUser } from '../../../domain/src/index.js';
import { parseFixed } from '../../../domain/src/money/fixed.js';
import { describeWithRedis } from '../../../platform/src/testing/redis-availability.js';
import { EngineOverloadedError, EngineTimeoutError, type EngineInput, type EngineReply } from '../engine-transport.port.js';
import { RedisEngineClient, type RedisEngineClientOptions } from './redis-engine-client.js';
import { RedisEngineInputSource, type RedisEngineInputOptions } from './redis-engine-input.js';
import { decodeCommand, encodeCommand, FIELD, MalformedEntryError } from './redis-streams.codec.js';
import { redisStreamKeys } from './redis-streams.keys.js';
import { fnv1a32, shardFor } from './shard-routing.js';

/** Failures these tests provoke on purpose are logged by the adapter; keep them out of the output. */
const quiet = pino({ level: 'silent' });

const DONE: Outcome = { code: 'TRADE_RETCODE_DONE', message: 'Request completed' };

function placeOrder(commandId: string, accountId = 100_000): PlaceOrder {
  return {
    type: 'PlaceOrder',
    commandId,
    userId: 1,
    accountId,
    symbol: 'EURUSD',
    side: 'BUY',
    volume: '0.1',
    leverage: null,
    takeProfit: '1.2',
    stopLoss: null,
    slippage: { quotedPrice: '1.08123', maxDeviation: '0.0005' },
    clientId: null,
    comment: 'int test',
    magic: null,
    deadline: Date.now() + 60_000,
  };
}

function tick(commandId: string, bid = '1.08123', ask = '1.08125'): ApplyTick {
  return { type: 'ApplyTick', commandId, tick: { symbol: 'EURUSD', bid: parseFixed(bid), ask: parseFixed(ask), time: 1_700_000_000_000 } };
}

/**
 * A stand-in for the engine: decides every input with a plain function and, like the real engine,
 * answers a command id it has seen before with its first reply. A driver for the transport, not a
 * mock of Redis.
 */
function fakeEngine(options: { positionBase?: number; decide?: (command: EngineCommand) => Outcome } = {}) {
  const batches: EngineInput[][] = [];
  const answered = new Map<string, EngineReply>();
  let position = options.positionBase ?? 0;
  const handle = async (batch: EngineInput[]): Promise<void> => {
    batches.push(batch);
    await new Promise<void>((resolve) => setImmediate(resolve)); // a real engine awaits its log append
    position += 1;
    for (const input of batch) {
      const { commandId } = input.command;
      const reply = answered.get(commandId) ?? { commandId, outcome: options.decide?.(input.command) ?? DONE, position };
      if (input.command.type !== 'ApplyTick') answered.set(commandId, reply);
      input.reply(reply);
    }
  };
  const inputs = () => batches.flat();
  const ids = () => inputs().map((input) => input.command.commandId);
  return { batches, handle, inputs, ids };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

await describeWithRedis('Redis Streams engine transport', ({ url }) => {
  /** The test's own connection: inspects streams and deletes the test's keys afterwards. */
  let admin: Redis;
  let prefix: string;
  let keys: ReturnType<typeof redisStreamKeys>;
  let sources: RedisEngineInputSource[];
  let clients: RedisEngineClient[];

  const client = (options: Partial<RedisEngineClientOptions> = {}) => {
    const created = new RedisEngineClient({ url, prefix, replyBlockMs: 1_000, ...options });
    clients.push(created);
    return created;
  };

  const source = (options: Partial<RedisEngineInputOptions> = {}) => {
    const created = new RedisEngineInputSource({ url, prefix, shard: 0, blockMs: 1_000, ...options });
    sources.push(created);
    return created;
  };

  /** XADDs a request entry the way the client does, without a client. */
  const rawRequest = (shard: number, command: EngineCommand, replyTo = '') =>
    admin.xadd(keys.commands(shard), '*', FIELD.command, encodeCommand(command), FIELD.correlationId, `corr-${command.commandId}`, ...(replyTo ? [FIELD.replyTo, replyTo, FIELD.deadline, String(Date.now() + 60_000)] : []));

  const pendingSummary = async (stream: string, group: string) => (await admin.xpending(stream, group)) as [number, string | null, string | null, [string, string][] | null];

  beforeAll(async () => {
    admin = new Redis(url, { maxRetriesPerRequest: 1 });
    await admin.ping();
  });

  afterAll(async () => {
    await admin?.quit();
  });

  beforeEach(() => {
    prefix = `ts:test:streams:${randomUUID()}:`;
    keys = redisStreamKeys(prefix);
    sources = [];
    clients = [];
  });

  afterEach(async () => {
    await Promise.all(sources.map((s) => s.stop(200)));
    await Promise.all(clients.map((c) => c.close()));
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    if (found.length > 0) await admin.unlink(found);
  });

  it('round trip: a request reaches the engine of its shard and its reply comes back', async () => {
    const engine = fakeEngine({ positionBase: 41 });
    const input = source();
    input.start(engine.handle);
    const api = client();
    const command = placeOrder(`po-${randomUUID()}`);

    const reply = await api.request({ command, correlationId: 'corr-1' }, 2_000);

    expect(reply).toEqual({ commandId: command.commandId, outcome: DONE, position: 42 });
    expect(engine.inputs()).toHaveLength(1);
    expect(engine.inputs()[0]!.command).toEqual(command);
    expect(engine.inputs()[0]!.correlationId).toBe('corr-1');
    expect(api.pending).toBe(0);
    // Acknowledged once handled: nothing pending in the shard's group.
    await waitFor(async () => (await pendingSummary(keys.commands(0), keys.engineGroup(0)))[0] === 0, 'the ack');
  });

  it('batches: concurrent requests arrive in a few batches, each reply goes to its own request', async () => {
    const engine = fakeEngine({ decide: (c) => ({ ...DONE, comment: c.commandId }) as Outcome });
    const input = source();
    input.start(engine.handle);
    await input.ready;
    const api = client();
    const commands = Array.from({ length: 300 }, (_, i) => placeOrder(`po-${i}-${randomUUID()}`));

    const replies = await Promise.all(commands.map((command) => api.request({ command, correlationId: 'c' }, 3_000)));

    replies.forEach((reply, i) => {
      expect(reply.commandId).toBe(commands[i]!.commandId);
      expect((reply.outcome as Outcome & { comment: string }).comment).toBe(commands[i]!.commandId);
    });
    expect(engine.ids()).toEqual(commands.map((c) => c.commandId)); // arrival order kept
    expect(engine.batches.length).toBeLessThanOrEqual(10);
    expect(Math.max(...engine.batches.map((b) => b.length))).toBeGreaterThan(100);
  });

  it('batches: never more than batchSize entries of a stream per batch', async () => {
    for (let i = 0; i < 120; i += 1) await rawRequest(0, placeOrder(`po-${i}`));
    const engine = fakeEngine();
    const input = source({ batchSize: 50 });
    input.start(engine.handle);

    await waitFor(() => engine.inputs().length === 120, '120 inputs');

    expect(engine.batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(engine.ids()).toEqual(Array.from({ length: 120 }, (_, i) => `po-${i}`));
  });

  it('timeout: rejects with EngineTimeoutError and drops the late reply', async () => {
    const api = client();
    const command = placeOrder(`po-${randomUUID()}`);

    // No engine at all.
    const started = Date.now();
    await expect(api.request({ command, correlationId: 'c' }, 150)).rejects.toEqual(new EngineTimeoutError(command.commandId, 150));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(api.pending).toBe(0);

    // The engine comes up and answers long after: the reply lands on the stream and is dropped.
    const engine = fakeEngine();
    source().start(engine.handle);
    await waitFor(async () => (await admin.xlen(api.replyStream)) === 1, 'the late reply');

    // The client is unaffected: the next request is answered normally.
    const next = placeOrder(`po-${randomUUID()}`);
    await expect(api.request({ command: next, correlationId: 'c' }, 2_000)).resolves.toMatchObject({ commandId: next.commandId });
    expect(api.pending).toBe(0);
  });

  it('duplicates: a command XADDed twice reaches the engine twice, the request resolves once with the first answer', async () => {
    const engine = fakeEngine();
    const input = source();
    const api = client();
    const command = placeOrder(`po-${randomUUID()}`);
    let settled = 0;

    const request = api.request({ command, correlationId: 'c' }, 2_000).finally(() => (settled += 1));
    // The same command again, as a retry or a redelivery would put it: same id, same reply stream.
    await rawRequest(0, command, api.replyStream);
    input.start(engine.handle);
    const reply = await request;

    await waitFor(async () => (await admin.xlen(api.replyStream)) === 2, 'both replies');
    expect(engine.ids()).toEqual([command.commandId, command.commandId]);
    expect(reply).toEqual({ commandId: command.commandId, outcome: DONE, position: 1 });
    // The second reply was read and dropped: prove the reader went past it.
    const next = placeOrder(`po-${randomUUID()}`);
    await api.request({ command: next, correlationId: 'c' }, 2_000);
    expect(settled).toBe(1);
    expect(api.pending).toBe(0);
  });

  it('crash recovery: a successor redelivers the unacknowledged batch (XAUTOCLAIM) before newer entries', async () => {
    const api = client();
    const first = [placeOrder('po-1'), placeOrder('po-2'), placeOrder('po-3')];
    const requests = first.map((command) => api.request({ command, correlationId: 'c' }, 4_000));

    // The first engine reads the batch, then hangs in it and dies: never acknowledged.
    const crashed: EngineInput[][] = [];
    const a = source({ consumer: 'engine-a', logger: quiet });
    a.start(async (batch) => {
      crashed.push(batch);
      await new Promise<void>(() => undefined);
    });
    await waitFor(() => crashed.flat().length === 3, 'the first engine to read 3 inputs');
    await a.stop(50);
    const before = await pendingSummary(keys.commands(0), keys.engineGroup(0));
    expect(before[0]).toBe(3);
    expect(before[3]).toEqual([['engine-a', '3']]);

    // Something new arrives while no engine runs.
    const later = placeOrder('po-4');
    const laterRequest = api.request({ command: later, correlationId: 'c' }, 4_000);
    await waitFor(async () => (await admin.xlen(keys.commands(0))) === 4, 'the 4th entry');

    const engine = fakeEngine();
    const b = source({ consumer: 'engine-b', logger: quiet });
    b.start(engine.handle);

    const replies = await Promise.all([...requests, laterRequest]);
    expect(replies.map((r) => r.commandId)).toEqual(['po-1', 'po-2', 'po-3', 'po-4']);
    expect(engine.batches.map((batch) => batch.map((i) => i.command.commandId))).toEqual([['po-1', 'po-2', 'po-3'], ['po-4']]);
    await waitFor(async () => (await pendingSummary(keys.commands(0), keys.engineGroup(0)))[0] === 0, 'everything acknowledged');
    // The dead consumer, left with nothing pending, was removed from the group.
    const consumers = (await admin.xinfo('CONSUMERS', keys.commands(0), keys.engineGroup(0))) as unknown[][];
    expect(consumers.map((c) => c[c.indexOf('name') + 1])).toEqual(['engine-b']);
  });

  it('a failed batch (handler throws) is redelivered by the same source, then acknowledged', async () => {
    const api = client();
    let calls = 0;
    const engine = fakeEngine();
    const input = source({ logger: quiet });
    input.start(async (batch) => {
      calls += 1;
      if (calls === 1) throw new Error('engine hiccup');
      await engine.handle(batch);
    });
    const command = placeOrder(`po-${randomUUID()}`);

    const reply = await api.request({ command, correlationId: 'c' }, 3_000);

    expect(reply.commandId).toBe(command.commandId);
    expect(calls).toBe(2);
    await waitFor(async () => (await pendingSummary(keys.commands(0), keys.engineGroup(0)))[0] === 0, 'the ack');
  });

  it('trimming: acknowledged entries are trimmed, never one still pending', async () => {
    const stream = keys.commands(0);
    const group = keys.engineGroup(0);
    const held = gate();
    const engine = fakeEngine();
    const input = source();
    input.start(async (batch) => {
      if (engine.batches.length === 0) await held.opened;
      await engine.handle(batch);
    });
    await input.ready;

    // The engine is busy with a first entry...
    await rawRequest(0, placeOrder('gate'));
    await waitFor(async () => (await pendingSummary(stream, group))[0] === 1, 'the engine to hold the first entry');
    // ...while 150 more arrive and another consumer of the group (a zombie) takes the first 50.
    const pipeline = admin.pipeline();
    for (let i = 0; i < 150; i += 1) pipeline.xadd(stream, '*', FIELD.command, encodeCommand(placeOrder(`po-${i}`)), FIELD.correlationId, 'c');
    await pipeline.exec();
    const zombie = (await admin.xreadgroup('GROUP', group, 'zombie', 'COUNT', 50, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    const zombieIds = zombie[0]![1].map(([id]) => id);
    expect(zombieIds).toHaveLength(50);

    held.open();
    await waitFor(() => engine.inputs().length === 101, 'the engine to handle the other 100');
    await waitFor(async () => (await pendingSummary(stream, group))[0] === 50, 'the engine to ack its entries');

    // Everything the zombie holds is still there, intact; nothing after it was removed either.
    const kept = await admin.xrange(stream, zombieIds[0]!, '+');
    expect(kept.slice(0, 50).map(([id]) => id)).toEqual(zombieIds);
    expect(kept).toHaveLength(150);
    expect(decodeCommand(kept[0]![1][1]!).commandId).toBe('po-0');

    // Once the zombie acknowledges, the next batch trims everything up to itself.
    await admin.xack(stream, group, ...zombieIds);
    await rawRequest(0, placeOrder('last'));
    await waitFor(() => engine.ids().includes('last'), 'the last entry');
    await waitFor(async () => (await admin.xlen(stream)) <= 100, 'the stream to be trimmed');
    expect((await pendingSummary(stream, group))[0]).toBe(0);
  });

  it('ticks: a submitted tick reaches every shard, exact bigints included', async () => {
    const engines = [fakeEngine(), fakeEngine(), fakeEngine()];
    const inputs = engines.map((engine, shard) => {
      const input = source({ shard });
      input.start(engine.handle);
      return input;
    });
    await Promise.all(inputs.map((i) => i.ready));
    const api = client({ shards: 3 });
    const sent = tick(`tick-${randomUUID()}`, '64123.45678901', '64124.5');

    api.submit({ command: sent, correlationId: 'feed' });

    for (const engine of engines) {
      await waitFor(() => engine.inputs().length === 1, 'the tick on every shard');
      const received = engine.inputs()[0]!.command as ApplyTick;
      expect(received).toEqual(sent);
      expect(received.tick.bid).toBe(6_412_345_678_901n);
      expect(received.tick.ask).toBe(6_412_450_000_000n);
    }
    // Ticks come from the shared tick stream, one group per shard, all acknowledged.
    for (let shard = 0; shard < 3; shard += 1) {
      await waitFor(async () => (await pendingSummary(keys.ticks(), keys.engineGroup(shard)))[0] === 0, `shard ${shard} tick ack`);
    }
    expect(await admin.xlen(keys.ticks())).toBe(1);
  });

  it('ticks: a requested tick goes to every shard and resolves when all answered, with the highest position', async () => {
    const engines = [fakeEngine({ positionBase: 10 }), fakeEngine({ positionBase: 30 }), fakeEngine({ positionBase: 20 })];
    engines.forEach((engine, shard) => source({ shard }).start(engine.handle));
    const api = client({ shards: 3 });
    const sent = tick(`tick-${randomUUID()}`);

    const reply = await api.request({ command: sent, correlationId: 'c' }, 2_000);

    expect(reply).toEqual({ commandId: sent.commandId, outcome: DONE, position: 31 });
    for (const engine of engines) expect(engine.inputs().map((i) => i.command)).toEqual([sent]);
  });

  it('ticks and commands of one shard are merged into one batch in stream-id order', async () => {
    const api = client();
    const engine = fakeEngine();
    const input = source();
    const held = gate();
    input.start(async (batch) => {
      if (engine.batches.length === 0) await held.opened;
      await engine.handle(batch);
    });
    await input.ready;
    await rawRequest(0, placeOrder('first'));
    await waitFor(async () => (await pendingSummary(keys.commands(0), keys.engineGroup(0)))[0] === 1, 'the first entry in hand');
    // Ids of different streams are only ordered to the millisecond: keep the writes apart.
    const order: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 3));
      if (i % 2 === 0) {
        await rawRequest(0, placeOrder(`po-${i}`));
        order.push(`po-${i}`);
      } else {
        api.submit({ command: tick(`tick-${i}`), correlationId: 'feed' });
        await waitFor(async () => (await admin.xlen(keys.ticks())) === (i + 1) / 2, 'the tick');
        order.push(`tick-${i}`);
      }
    }
    held.open();

    await waitFor(() => engine.inputs().length === 7, 'all inputs');
    expect(engine.batches.map((b) => b.map((i) => i.command.commandId))).toEqual([['first'], order]);
  });

  it('malformed entries are acknowledged and skipped; one with a commandId and a reply stream is answered with an error', async () => {
    const engine = fakeEngine();
    const input = source({ logger: quiet });
    input.start(engine.handle);
    await input.ready;
    const api = client({ shardOf: () => 0 });

    await admin.xadd(keys.commands(0), '*', FIELD.command, 'not json', FIELD.correlationId, 'c');
    await admin.xadd(keys.commands(0), '*', 'unexpected', 'fields');
    await admin.xadd(keys.ticks(), '*', FIELD.command, JSON.stringify({ type: 'ApplyTick', commandId: 't', tick: { symbol: 'X', bid: 1.5, ask: '2', time: 1 } }));
    // A valid command whose reply stream is not one of this prefix: handled, but no key is written.
    const stray = placeOrder('stray');
    await rawRequest(0, stray, `${prefix}elsewhere`);
    const bogus = { type: 'Bogus', commandId: `bogus-${randomUUID()}` } as unknown as EngineCommand;
    const refused = await api.request({ command: bogus, correlationId: 'c' }, 2_000);
    const good = placeOrder(`po-${randomUUID()}`);
    const accepted = await api.request({ command: good, correlationId: 'c' }, 2_000);

    expect(refused).toEqual({ commandId: bogus.commandId, position: 0, outcome: expect.objectContaining({ code: 'TRADE_RETCODE_ERROR', reason: 'MALFORMED_COMMAND' }) });
    expect(accepted.outcome).toEqual(DONE);
    expect(engine.ids()).toEqual(['stray', good.commandId]);
    expect(await admin.exists(`${prefix}elsewhere`)).toBe(0);
    await waitFor(async () => (await pendingSummary(keys.commands(0), keys.engineGroup(0)))[0] === 0, 'command acks');
    expect((await pendingSummary(keys.ticks(), keys.engineGroup(0)))[0]).toBe(0);
  });

  it('routing: requests go to the shard that owns them (shardFor)', async () => {
    const engines = [fakeEngine(), fakeEngine()];
    engines.forEach((engine, shard) => source({ shard }).start(engine.handle));
    const api = client({ shards: 2 });

    await api.request({ command: placeOrder('acc-100001', 100_001), correlationId: 'c' }, 2_000);
    await api.request({ command: placeOrder('acc-100002', 100_002), correlationId: 'c' }, 2_000);

    expect(engines[0]!.ids()).toEqual(['acc-100002']);
    expect(engines[1]!.ids()).toEqual(['acc-100001']);
  });

  it('broadcast commands other than ticks (DefineGroup, AdvanceClock) go to the own command stream of every shard', async () => {
    const engines = [fakeEngine(), fakeEngine()];
    engines.forEach((engine, shard) => source({ shard }).start(engine.handle));
    const api = client({ shards: 2 });
    const group: EngineCommand = {
      type: 'DefineGroup', commandId: `g-${randomUUID()}`, name: 'pro', leverage: 100, maxLeverage: null,
      marginCallPercent: '100', stopOutPercent: '50', commissionPerLot: '0', symbols: null, hedging: true,
    };
    const clock: EngineCommand = { type: 'AdvanceClock', commandId: `clock-${randomUUID()}`, now: 1_700_000_000_000 };

    const reply = await api.request({ command: group, correlationId: 'c' }, 2_000);
    api.submit({ command: clock, correlationId: 'timer' });

    expect(reply.commandId).toBe(group.commandId);
    for (const engine of engines) await waitFor(() => engine.ids().length === 2, 'both commands on every shard');
    for (const engine of engines) expect(engine.inputs().map((i) => i.command)).toEqual([group, clock]);
    expect(await admin.exists(keys.ticks())).toBe(1); // created by the groups, but empty
    expect(await admin.xlen(keys.ticks())).toBe(0);
  });

  it('back-pressure: past maxInFlight commands awaiting the engine a request is refused at once (EngineOverloadedError) and never written; ticks still go', async () => {
    const api = client({ maxInFlight: 2 });
    const waiting = [api.request({ command: placeOrder(`bp-${randomUUID()}`), correlationId: 'c' }, 1_000), api.request({ command: placeOrder(`bp-${randomUUID()}`), correlationId: 'c' }, 1_000)];
    const refused = placeOrder(`bp-${randomUUID()}`);

    await expect(api.request({ command: refused, correlationId: 'c' }, 1_000)).rejects.toBeInstanceOf(EngineOverloadedError);
    const tick = api.request({ command: { type: 'ApplyTick', commandId: `t-${randomUUID()}`, tick: { symbol: 'BTCUSD', bid: 1n, ask: 2n, time: 1 } }, correlationId: 'feed' }, 1_000);

    await Promise.allSettled([...waiting, tick]);
    const written = await admin.xrange(keys.commands(0), '-', '+');
    expect(written.some(([, fields]) => fields.join(' ').includes(refused.commandId))).toBe(false);
    expect(written.length).toBe(3); // the two waiting orders and the tick
    expect(api.pending).toBe(0);
  });

  it('stop() returns promptly even while blocked in XREADGROUP', async () => {
    const input = source({ blockMs: 10_000 });
    input.start(fakeEngine().handle);
    await input.ready;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await input.stop();
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('shardFor', () => {
  const register = (email: string): RegisterUser => ({ type: 'RegisterUser', commandId: 'r', email, passwordHash: 'h', initialBalance: '0' });

  it('routes by account, order, user and e-mail; ticks have no owner', () => {
    expect(shardFor(placeOrder('p', 100_004), 3)).toBe(100_004 % 3);
    expect(shardFor({ type: 'ChangeBalance', commandId: 'c', accountId: 100_005, amount: '1', comment: '' }, 4)).toBe(1);
    expect(shardFor({ type: 'ClosePosition', commandId: 'c', userId: 2, accountId: 100_000, orderId: 1_000_007, volume: null, clientId: null, comment: null, deadline: 0 }, 4)).toBe(3);
    expect(shardFor({ type: 'OpenAccount', commandId: 'o', userId: 10, name: null, leverage: null }, 4)).toBe(2);
    expect(shardFor({ type: 'CancelOrder', commandId: 'c', userId: 2, accountId: null, orderId: 1_000_006, deadline: 0 }, 4)).toBe(2);
    expect(shardFor({ type: 'ChangeAccountGroup', commandId: 'c', accountId: 100_003, group: 'pro' }, 4)).toBe(3);
    expect(shardFor(tick('t'), 4)).toBe(-1);
    expect(shardFor({ type: 'AdvanceClock', commandId: 'a', now: 0 }, 4)).toBe(-1);
    expect(shardFor(placeOrder('p', 12345), 1)).toBe(0);
  });

  it('hashes the normalised e-mail: stable, case and space insensitive, spread over the shards', () => {
    expect(shardFor(register(' Alice@Example.COM '), 8)).toBe(shardFor(register('alice@example.com'), 8));
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c); // the published FNV-1a test vector
    const hit = new Set(Array.from({ length: 200 }, (_, i) => shardFor(register(`user${i}@example.com`), 4)));
    expect([...hit].sort()).toEqual([0, 1, 2, 3]);
  });

  it('rejects a shard count that is not a positive integer', () => {
    expect(() => shardFor(placeOrder('p'), 0)).toThrow(RangeError);
  });
});

describe('command codec', () => {
  it('round-trips ApplyTick bigints exactly through decimal strings', () => {
    const sent = tick('t', '0.00000001', '123456789.12345678');
    const text = encodeCommand(sent);
    expect(JSON.parse(text).tick).toEqual({ symbol: 'EURUSD', bid: '0.00000001', ask: '123456789.12345678', time: 1_700_000_000_000 });
    expect(decodeCommand(text)).toEqual(sent);
  });

  it('round-trips other commands as plain JSON', () => {
    const command = placeOrder('p');
    expect(decodeCommand(encodeCommand(command))).toEqual(command);
  });

  it('refuses what it cannot trust', () => {
    expect(() => decodeCommand('{')).toThrow(MalformedEntryError);
    expect(() => decodeCommand('{"type":"Nope","commandId":"x"}')).toThrow(MalformedEntryError);
    expect(() => decodeCommand('{"type":"PlaceOrder"}')).toThrow(MalformedEntryError);
    expect(() => decodeCommand('{"type":"ApplyTick","commandId":"t","tick":{"symbol":"X","bid":"1.5","ask":"abc","time":1}}')).toThrow(MalformedEntryError);
  });
});
