/**
 * The distributed deployment, shown end to end with real processes (test/support/cluster.ts):
 * one engine, one projector and two API instances, sharing a SQLite log in a temporary DATA_DIR
 * and a Redis under a key prefix of this file's own.
 *
 * 1. Seeds 000/002 across instances: sign up on API 1, sign in on API 2, tick on API 1, create on
 *    API 2, list open on API 1 at once (read-your-writes across instances), close on API 1, list
 *    closed on API 2.
 * 2. Engine unavailable: frozen (SIGSTOP, then SIGCONT: the same process resumes with the command
 *    already delivered to it) and killed (kill -9, then a new process that finds the command in
 *    the stream). Either way `trade/create` answers the seed's 408 within 3.5 s, and afterwards the
 *    command has not been executed: the log holds a TradeRejected TRADE_RETCODE_TIMEOUT for it, no
 *    position, the balance unchanged.
 * 3. kill -9 of the engine, four times, under a steady load of order placements from 8 clients on
 *    4 accounts through both API instances: every acknowledged order is in the log and the open
 *    positions exactly once, nothing is executed twice, every timed-out request was decided at most
 *    (and, once drained, exactly) once, and balances and margins equal a fold of the log to the cent.
 * 4. kill -9 of the projector while orders and closes flow: once it caught up, every reader method
 *    of the Redis read models answers as a rebuild from the log does.
 *
 * Prices come only from the admin tick endpoint (PRICE_FEED=manual). A missing Redis fails the
 * suite in CI (describeWithRedis).
 */
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { fixedToString, parseFixed } from '../../libs/domain/src/index.js';
import type { RecordedEvent } from '../../libs/event-store/src/index.js';
import { RedisEngineClient } from '../../libs/messaging/src/index.js';
import { describeWithRedis } from '../../libs/platform/src/testing/redis-availability.js';
import { RedisReadModelStore } from '../../libs/read-models/src/redis/redis-read-model-store.js';
import { SqliteReadModelStore } from '../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { useCluster, waitFor, type ApiInstance, type Cluster } from '../support/cluster.js';
import { readerDifferences, rebuildFromLog, subjectsOf } from '../support/read-model-rebuild.js';
import { uniqueEmail, type HttpResult, type TestUser } from '../support/service.js';

jest.setTimeout(60_000);

/** Seed 000's timeout body, exactly. */
const SEED_TIMEOUT_BODY = {
  error: 'Request timeout: No response received within 3 seconds',
  message: 'Order creation request timed out. The order may have been cancelled.',
  timeout: true,
};
/** Seed 000's basic BUY, byte for byte. */
const SEED_BASIC_BUY = `{
"symbol": "BTCUSD",
"type": "BUY",
"quantity": 0.5,
"leverage": 10
}`;
const SEED_OPEN_FIELDS = ['orderId', 'symbol', 'type', 'quantity', 'leverage', 'openPrice', 'currentPrice', 'profit', 'takeProfit', 'stopLoss', 'openTime', 'status'];
const DIGITS = /^[1-9]\d*$/;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A short tag that makes this run's request ids unique (x-request-id ≤ 64, clientId ≤ 26 characters). */
const runTag = () => randomBytes(3).toString('hex');
const pick = (row: Record<string, unknown>, fields: string[]) => Object.fromEntries(fields.map((f) => [f, row[f]]));

/** Events of the log whose metadata carries this correlation id (the request's x-request-id). */
const byCorrelation = (events: RecordedEvent[]) => {
  const map = new Map<string, RecordedEvent[]>();
  for (const e of events) {
    const id = e.metadata.correlationId;
    const list = map.get(id);
    if (list) list.push(e);
    else map.set(id, [e]);
  }
  return map;
};

/** Values that occur more than once. */
const duplicates = <T>(values: T[]): T[] => {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
};

async function createOrder(api: ApiInstance, user: TestUser, body: unknown, requestId?: string) {
  return api.http('POST', '/api/v1/trade/create', { token: user.token, body, headers: requestId ? { 'x-request-id': requestId } : {} });
}

async function getOk(api: ApiInstance, user: TestUser, path: string): Promise<any> {
  const result = await api.http('GET', path, { token: user.token });
  if (result.status !== 200) throw new Error(`${api.name}: GET ${path} answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

await describeWithRedis('Distributed deployment (engine, projector and two API instances as separate processes)', ({ url }) => {
  const cluster = useCluster(() => ({ redisUrl: url, apis: 2, label: 'distributed-e2e' }));

  /**
   * Runs `fn` with the engine made unavailable by `takeDown`, sends one order and checks the
   * timeout contract; `bringBack` makes the engine available again.
   */
  async function orderWhileEngineDown(c: Cluster, takeDown: () => Promise<void> | void, bringBack: () => Promise<void> | void) {
    const user = await c.api(1).signup();
    await c.api(1).tick('BTCUSD', 42000, 42010);
    const before = await getOk(c.api(2), user, `/api/v1/accounts/${user.accountId}`);
    const requestId = `down-${runTag()}`;

    await takeDown();
    let elapsed = 0;
    let result: HttpResult | undefined;
    try {
      const started = Date.now();
      result = await createOrder(c.api(2), user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.1, leverage: 10 }, requestId);
      elapsed = Date.now() - started;
    } finally {
      await bringBack();
    }
    expect(result?.status).toBe(408);
    expect(result?.body).toEqual(SEED_TIMEOUT_BODY);
    expect(elapsed).toBeGreaterThanOrEqual(2_900);
    expect(elapsed).toBeLessThan(3_500);

    // The engine is back and drains its stream: the command is decided, as a rejection.
    const decided = await waitFor(`the log to hold the decision on ${requestId}`, async () => {
      const events = (await c.readLog()).filter((e) => e.metadata.correlationId === requestId);
      return events.length > 0 ? events : undefined;
    }, 15_000, 100);
    expect(decided.map((e) => e.type)).toEqual(['TradeRejected']);
    expect(decided[0]!.data).toMatchObject({ accountId: Number(user.accountId), command: 'PlaceOrder', code: 'TRADE_RETCODE_TIMEOUT', reason: 'DEADLINE_PASSED' });
    expect(decided[0]!.metadata).toMatchObject({ outcome: { code: 'TRADE_RETCODE_TIMEOUT' } });
    const position = decided[0]!.position;
    await waitFor(`the read models to reach position ${position}`, async () => (await c.liveReadModels().checkpoint()) >= position);

    // Not executed: no position, no margin, balance unchanged, on both instances.
    for (const api of c.apis) {
      expect((await getOk(api, user, '/api/v1/trade/open')).message).toEqual([]);
      expect((await getOk(api, user, '/api/v1/trade/closed')).message).toEqual([]);
      const after = await getOk(api, user, `/api/v1/accounts/${user.accountId}`);
      expect(pick(after, ['balance', 'margin', 'equity'])).toEqual(pick(before, ['balance', 'margin', 'equity']));
      expect(after.margin).toBe(0);
    }
    // And the engine serves the next order normally (a restarted engine has no prices: tick first).
    await c.api(1).tick('BTCUSD', 42000, 42010);
    const next = await createOrder(c.api(1), user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.1, leverage: 10 });
    expect(next.status).toBe(200);
    expect((await getOk(c.api(2), user, '/api/v1/trade/open')).message.map((r: any) => r.orderId)).toEqual([next.body.orderId]);
  }

  describe('seeds 000 and 002 across two API instances', () => {
    it('signs up on API 1, signs in on API 2, trades on both and reads its own writes on the other instance at once', async () => {
      const c = cluster();
      const [api1, api2] = [c.api(1), c.api(2)];
      const email = uniqueEmail('seed');
      const password = 'correct horse battery';

      const signup = await api1.http('POST', '/api/v1/user/signup', { body: { email, password } });
      expect(signup.status).toBe(201);
      expect(signup.body).toEqual({ userId: expect.stringMatching(DIGITS), accountId: expect.stringMatching(DIGITS) });
      // The user written through API 1 signs in on API 2 (same JWT secret, shared read models).
      const signin = await api2.http('POST', '/api/v1/user/signin', { body: { email, password } });
      expect(signin.status).toBe(200);
      const user: TestUser = { email, password, userId: signup.body.userId, accountId: signup.body.accountId, token: signin.body.token };

      await api1.tick('BTCUSD', 41990.0, 42000.0);
      const created = await createOrder(api2, user, SEED_BASIC_BUY);
      expect(created.status).toBe(200);
      expect(created.body).toEqual({ message: 'Order created successfully', orderId: expect.stringMatching(DIGITS) });
      const orderId = created.body.orderId as string;

      // Immediately, on the other instance: read-your-writes across instances.
      const open = (await getOk(api1, user, '/api/v1/trade/open')).message;
      expect(open).toHaveLength(1);
      expect(Object.keys(open[0]).sort()).toEqual(expect.arrayContaining([...SEED_OPEN_FIELDS].sort()));
      expect(pick(open[0], ['orderId', 'symbol', 'type', 'quantity', 'leverage', 'openPrice', 'currentPrice', 'profit', 'takeProfit', 'stopLoss', 'status'])).toEqual({
        orderId,
        symbol: 'BTCUSD',
        type: 'BUY',
        quantity: 0.5,
        leverage: 10,
        openPrice: 42000, // a BUY opens at the ask
        currentPrice: 41990, // and is valued at the bid
        profit: -5, // (41990 − 42000) × 0.5
        takeProfit: null,
        stopLoss: null,
        status: 'OPEN',
      });
      expect((await getOk(api2, user, '/api/v1/trade/orders')).message.map((r: any) => r.orderId)).toEqual([orderId]);
      // margin 0.5 × 42000 / 10 = 2100
      expect(pick(await getOk(api1, user, `/api/v1/accounts/${user.accountId}`), ['balance', 'margin'])).toEqual({ balance: 10000, margin: 2100 });

      await api2.tick('BTCUSD', 42100.0, 42110.0);
      const closed = await api1.http('POST', '/api/v1/trade/close', { token: user.token, body: { orderId } });
      expect(closed.status).toBe(200);
      // closes at the bid 42100: (42100 − 42000) × 0.5 = 50
      expect(closed.body).toMatchObject({ message: 'Order closed successfully', orderId, closePrice: 42100, profit: 50 });

      const history = (await getOk(api2, user, '/api/v1/trade/closed')).message;
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ orderId, symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, openPrice: 42000, closePrice: 42100, profit: 50, closeReason: 'MANUAL', status: 'CLOSED' });
      expect((await getOk(api2, user, '/api/v1/trade/open')).message).toEqual([]);
      expect(pick(await getOk(api2, user, `/api/v1/accounts/${user.accountId}`), ['balance', 'margin'])).toEqual({ balance: 10050, margin: 0 });
    });
  });

  describe('the engine is unavailable when an order arrives', () => {
    it('frozen (SIGSTOP): 408 with the seed body within 3.5 s; after SIGCONT the same process rejects it TRADE_RETCODE_TIMEOUT and does not execute it', async () => {
      const c = cluster();
      await orderWhileEngineDown(
        c,
        () => c.pause('engine'),
        () => c.resume('engine'),
      );
    });

    it('killed (kill -9): 408 with the seed body within 3.5 s; a restarted engine finds it in the stream, rejects it TRADE_RETCODE_TIMEOUT and does not execute it', async () => {
      const c = cluster();
      await orderWhileEngineDown(
        c,
        () => c.kill9('engine'),
        () => c.start('engine'),
      );
      await c.waitForEngineHealthy();
    });
  });

  describe('an engine restarted after kill -9', () => {
    // API.md: only a price older than PRICE_STALE_MS (30 s) counts as no price. The quote below is a
    // second old, every API instance still shows it (GET /api/v1/prices), yet a restarted engine
    // starts with an empty price board and rejects the order TRADE_RETCODE_PRICE_OFF.
    it('fills an order at the last price it published (a second old, well within PRICE_STALE_MS) without waiting for a new tick', async () => {
      const c = cluster();
      const user = await c.api(1).signup();
      await c.api(1).tick('BTCUSD', 42000, 42010);
      // The tick's stream entry is acknowledged (a pending one would be redelivered to the next engine and re-applied).
      await waitFor('the engine to acknowledge every command', async () => (await c.pendingCommands()) === 0, 5_000, 20);

      await c.kill9('engine');
      await c.start('engine');

      for (const api of c.apis) {
        const prices = await api.http('GET', '/api/v1/prices');
        expect(prices.body.prices).toContainEqual(expect.objectContaining({ symbol: 'BTCUSD', bid: 42000, ask: 42010 }));
      }
      const result = await createOrder(c.api(2), user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.1, leverage: 10 });
      expect({ status: result.status, body: result.body }).toEqual({
        status: 200,
        body: { message: 'Order created successfully', orderId: expect.stringMatching(DIGITS) },
      });
      const open = (await getOk(c.api(1), user, '/api/v1/trade/open')).message;
      expect(open.map((r: any) => pick(r, ['orderId', 'openPrice']))).toEqual([{ orderId: result.body.orderId, openPrice: 42010 }]);
    });

    // The engine's command memory comes back from the log: a command delivered again after a restart
    // (as a redelivered stream entry would be) is answered with its first outcome, not executed again.
    // The copy carries a fresh deadline and the engine has a price, so only that memory stands between
    // it and a second position.
    it('answers a command delivered again after its restart with the first outcome and executes it once', async () => {
      const c = cluster();
      const user = await c.api(1).signup();
      await c.api(1).tick('BTCUSD', 42000, 42010);
      const requestId = `redo-${runTag()}`;
      const first = await createOrder(c.api(1), user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.1, leverage: 10 }, requestId);
      expect(first.status).toBe(200);
      const [opened] = (await c.readLog()).filter((e) => e.metadata.correlationId === requestId);
      expect(opened).toMatchObject({ type: 'PositionOpened', data: { orderId: Number(first.body.orderId) } });
      const commandId = String(opened!.metadata.commandId);

      await c.kill9('engine');
      await c.start('engine');
      await c.api(1).tick('BTCUSD', 42000, 42010);

      const client = new RedisEngineClient({ url: c.redisUrl, prefix: c.prefix, shards: 1 });
      let reply;
      try {
        reply = await client.request(
          {
            command: {
              type: 'PlaceOrder', commandId, userId: Number(user.userId), accountId: Number(user.accountId),
              symbol: 'BTCUSD', side: 'BUY', volume: '0.1', leverage: 10, takeProfit: null, stopLoss: null,
              slippage: null, clientId: null, comment: null, magic: null, deadline: Date.now() + 3_000,
            },
            correlationId: `${requestId}-again`,
          },
          3_000,
        );
      } finally {
        await client.close();
      }
      expect(reply.outcome).toMatchObject({ code: 'TRADE_RETCODE_DONE', orderId: Number(first.body.orderId) });
      expect(reply.position).toBe(opened!.position);

      await c.api(1).tick('BTCUSD', 42000, 42010); // queued behind the copy: it has been handled
      await c.waitForProjection();
      const decisions = (await c.readLog()).filter((e) => e.metadata.commandId === commandId);
      expect(decisions.map((e) => e.type)).toEqual(['PositionOpened']);
      expect((await getOk(c.api(2), user, '/api/v1/trade/open')).message.map((r: any) => r.orderId)).toEqual([first.body.orderId]);
    });
  });

  describe('kill -9 of the engine under load', () => {
    it('loses no acknowledged order, executes none twice, and keeps every balance and margin equal to the log to the cent', async () => {
      const c = cluster();
      const tag = runTag();
      const ACCOUNTS = 4;
      const CLIENTS = 8;
      const TOTAL = 400;
      const KILLS = 4;
      const LOAD_DEADLINE = Date.now() + 40_000;

      const users: TestUser[] = [];
      for (let i = 0; i < ACCOUNTS; i += 1) users.push(await c.api(1 + (i % 2)).signup());
      await c.api(1).tick('BTCUSD', 42000, 42010);

      interface Sent {
        id: string;
        accountId: string;
        status: number;
        body: any;
        error?: string;
        /** When the answer (or the error) came back, epoch ms. */
        answeredAt: number;
      }
      const results: Sent[] = [];
      let sent = 0;
      let finished = false;
      const acknowledged = () => results.filter((r) => r.status === 200).length;

      // A steady price: the admin ticks flow with the orders, so an engine restarted without prices
      // finds fresh ones among the commands queued while it was down.
      const ticker = (async () => {
        let n = 0;
        const inFlight = new Set<Promise<unknown>>();
        while (!finished && Date.now() < LOAD_DEADLINE) {
          if (inFlight.size < 10) {
            const bid = 42000 + (n++ % 5);
            const p = c.api(1 + (n % 2)).postTicks([{ symbol: 'BTCUSD', bid, ask: bid + 10 }]).catch(() => undefined);
            inFlight.add(p);
            void p.finally(() => inFlight.delete(p));
          }
          await sleep(100);
        }
        await Promise.all(inFlight);
      })();

      const client = async (k: number) => {
        const user = users[k % ACCOUNTS]!;
        const api = c.api(1 + (k % 2));
        while (sent < TOTAL && Date.now() < LOAD_DEADLINE) {
          sent += 1;
          const id = `ld${tag}-${sent}`;
          try {
            const result = await createOrder(api, user, { symbol: 'BTCUSD', type: sent % 3 === 0 ? 'SELL' : 'BUY', quantity: 0.01, leverage: 10, clientId: id }, id);
            results.push({ id, accountId: user.accountId, status: result.status, body: result.body, answeredAt: Date.now() });
          } catch (error) {
            results.push({ id, accountId: user.accountId, status: 0, body: null, error: (error as Error).message, answeredAt: Date.now() });
          }
        }
      };
      const clients = Array.from({ length: CLIENTS }, (_, k) => client(k));

      const commandStream = c.commandStream();
      let kills = 0;
      try {
        for (let kill = 1; kill <= KILLS; kill += 1) {
          const before = acknowledged();
          await waitFor(`30 more acknowledged orders before kill ${kill}`, () => acknowledged() >= before + 30 || sent >= TOTAL, 15_000, 20);
          if (sent >= TOTAL) break;
          const queuedBefore = await c.redis.xlen(commandStream);
          const timeoutsBefore = results.filter((r) => r.status === 408).length;
          await c.kill9('engine');
          kills += 1;
          if (kill % 2 === 1) {
            // A short outage: down until a few commands (orders and ticks) wait in its stream, at most 1.5 s;
            // the restarted engine decides them within their deadlines.
            await waitFor('commands queued for the dead engine', async () => (await c.redis.xlen(commandStream)) >= queuedBefore + 6, 1_500, 20).catch(() => undefined);
          } else {
            // A long one: down until requests in flight got their 408; what waits past its deadline is rejected.
            await waitFor('a request to time out while the engine is down', () => results.filter((r) => r.status === 408).length > timeoutsBefore, 5_000, 20);
          }
          await c.start('engine');
        }
        await Promise.all(clients);
      } finally {
        finished = true;
        await Promise.allSettled(clients);
        await ticker;
      }

      // Drain: a tick queued behind everything is answered only once every earlier command was decided.
      await c.api(1).tick('BTCUSD', 42000, 42010);
      await c.waitForProjection();
      const log = await c.readLog();
      const events = byCorrelation(log);
      const testAccounts = new Set(users.map((u) => Number(u.accountId)));

      const counts = {
        sent: results.length,
        acknowledged: 0,
        rejected: {} as Record<string, number>,
        timeouts: 0,
        errors: 0,
        executedAfterTimeoutOrError: 0,
        rejectedAfterTimeoutOrError: {} as Record<string, number>,
        kills,
        engineStarts: c.process('engine').starts,
        /** Entries a restarted engine found pending (read by its killed predecessor, not acknowledged). */
        redeliveredEntries: [...c.logs('engine').matchAll(/"entries":(\d+)[^\n]*redelivered entries/g)].reduce((sum, m) => sum + Number(m[1]), 0),
      };
      const problems: string[] = [];
      for (const r of results) {
        const mine = events.get(r.id) ?? [];
        const opened = mine.filter((e) => e.type === 'PositionOpened');
        const rejected = mine.filter((e) => e.type === 'TradeRejected');
        if (r.status === 200) {
          counts.acknowledged += 1;
          if (opened.length !== 1 || rejected.length !== 0) problems.push(`${r.id} acknowledged as ${r.body.orderId} but logged ${mine.map((e) => e.type).join(',') || 'nothing'}`);
          else if (String(opened[0]!.data.orderId) !== r.body.orderId || String(opened[0]!.data.accountId) !== r.accountId || opened[0]!.data.clientId !== r.id) {
            problems.push(`${r.id} acknowledged as ${r.body.orderId} on ${r.accountId} but logged ${JSON.stringify(opened[0]!.data)}`);
          }
        } else if (r.status === 400 && typeof r.body?.code === 'string') {
          counts.rejected[r.body.code] = (counts.rejected[r.body.code] ?? 0) + 1;
          if (opened.length !== 0 || rejected.length !== 1 || rejected[0]!.data.code !== r.body.code) {
            problems.push(`${r.id} rejected ${r.body.code} but logged ${mine.map((e) => `${e.type}:${String(e.data.code ?? e.data.orderId)}`).join(',') || 'nothing'}`);
          }
        } else {
          if (r.status === 408) {
            counts.timeouts += 1;
            if (JSON.stringify(r.body) !== JSON.stringify(SEED_TIMEOUT_BODY)) problems.push(`${r.id} 408 with ${JSON.stringify(r.body)}`);
          } else counts.errors += 1;
          // Decided exactly once once drained: executed (had its reply been lost) or rejected.
          if (opened.length + rejected.length !== 1) problems.push(`${r.id} answered ${r.status} ${r.error ?? JSON.stringify(r.body)}; logged ${mine.map((e) => e.type).join(',') || 'nothing'}`);
          if (opened.length === 1) {
            // Executed, then its answer came too late (lost with a killed engine, or slower than the API's
            // timer): allowed ("may have been cancelled"), but only if decided before its deadline, which is
            // no later than the moment the 408 came back. Never executed after the client was told it timed out.
            counts.executedAfterTimeoutOrError += 1;
            const decidedAt = Date.parse(opened[0]!.metadata.timestamp);
            if (decidedAt > r.answeredAt) problems.push(`${r.id} executed at ${opened[0]!.metadata.timestamp}, after its ${r.status} at ${new Date(r.answeredAt).toISOString()}`);
          }
          for (const e of rejected) counts.rejectedAfterTimeoutOrError[String(e.data.code)] = (counts.rejectedAfterTimeoutOrError[String(e.data.code)] ?? 0) + 1;
        }
      }
      console.log(`distributed load with ${kills} engine kill -9s: ${JSON.stringify(counts)}`);

      expect(kills).toBeGreaterThanOrEqual(3);
      expect(counts.acknowledged).toBeGreaterThanOrEqual(150);
      expect({ problems, engineErrors: problems.length > 0 ? c.logLines('engine').slice(0, 5) : [] }).toEqual({ problems: [], engineErrors: [] });

      // No order twice: one PositionOpened per order id and per command id, over the whole log.
      const openedEvents = log.filter((e) => e.type === 'PositionOpened');
      expect(duplicates(openedEvents.map((e) => e.data.orderId))).toEqual([]);
      const decisions = log.filter((e) => e.type === 'PositionOpened' || e.type === 'TradeRejected');
      expect(duplicates(decisions.map((e) => e.metadata.commandId))).toEqual([]);
      // Nothing in the test accounts that none of its requests asked for.
      const ids = new Set(results.map((r) => r.id));
      expect(openedEvents.filter((e) => testAccounts.has(Number(e.data.accountId)) && !ids.has(e.metadata.correlationId)).map((e) => e.data)).toEqual([]);

      // Per account: logged fills = acknowledged + executed-after-timeout; the open positions are exactly those;
      // balance and margin equal a fold of the log, to the cent, in the read models and over HTTP.
      const fold = new SqliteReadModelStore(':memory:');
      try {
        await rebuildFromLog(log, fold);
        const live = c.liveReadModels();
        for (const user of users) {
          const accountId = Number(user.accountId);
          const fills = openedEvents.filter((e) => Number(e.data.accountId) === accountId);
          const mine = results.filter((r) => r.accountId === user.accountId);
          const executedLate = mine.filter((r) => r.status !== 200 && (events.get(r.id) ?? []).some((e) => e.type === 'PositionOpened')).length;
          expect(fills.length).toBe(mine.filter((r) => r.status === 200).length + executedLate);

          const fillIds = fills.map((e) => String(e.data.orderId)).sort();
          expect((await live.openOrders(accountId)).map((o) => String(o.orderId)).sort()).toEqual(fillIds);
          expect((await getOk(c.api(2), user, '/api/v1/trade/open')).message.map((r: any) => r.orderId).sort()).toEqual(fillIds);

          const folded = (await fold.account(accountId))!;
          const liveAccount = (await live.account(accountId))!;
          const margin = fills.reduce((sum, e) => sum + parseFixed(String(e.data.margin)), 0n);
          const balance = parseFixed('10000') - fills.reduce((sum, e) => sum + parseFixed(String(e.data.commission)), 0n);
          expect({ balance: fixedToString(parseFixed(liveAccount.balance)), margin: fixedToString(parseFixed(liveAccount.margin)) }).toEqual({
            balance: fixedToString(parseFixed(folded.balance)),
            margin: fixedToString(parseFixed(folded.margin)),
          });
          expect({ balance: fixedToString(parseFixed(folded.balance)), margin: fixedToString(parseFixed(folded.margin)) }).toEqual({
            balance: fixedToString(balance),
            margin: fixedToString(margin),
          });
          const overHttp = await getOk(c.api(1), user, `/api/v1/accounts/${user.accountId}`);
          expect({ balance: overHttp.balance.toFixed(2), margin: overHttp.margin.toFixed(2) }).toEqual({
            balance: (Number(balance) / 1e8).toFixed(2),
            margin: (Number(margin) / 1e8).toFixed(2),
          });
        }
      } finally {
        await fold.close();
      }
    }, 120_000);
  });

  describe('kill -9 of the projector while orders flow', () => {
    it('catches up after a restart, and the Redis read models then answer every reader call as a rebuild from the log does', async () => {
      const c = cluster();
      const tag = runTag();
      const users: TestUser[] = [];
      for (let i = 0; i < 3; i += 1) users.push(await c.api(1 + (i % 2)).signup());
      await c.api(1).ticks([
        { symbol: 'BTCUSD', bid: 42000, ask: 42010 },
        { symbol: 'ETHUSD', bid: 2500, ask: 2500.5 },
      ]);

      // Clients trade until both kills are done (a fixed number of steps raced the kills: fast enough,
      // they were over before the second one and the log could not run ahead of the dead projector).
      const MAX_STEPS = 2_000;
      const MAX_OPEN = 20; // per client, so margin never runs out however long the kills take
      let acknowledged = 0;
      let finished = false;
      const failures: string[] = [];
      const client = async (k: number) => {
        const user = users[k % users.length]!;
        const api = c.api(1 + (k % 2));
        const open: string[] = [];
        for (let step = 0; step < MAX_STEPS && !finished; step += 1) {
          const id = `pj${tag}-${k}-${step}`;
          if ((step % 4 === 3 || open.length >= MAX_OPEN) && open.length > 0) {
            // Every fourth step closes the oldest position: half of it (the rest stays open), or all of it.
            const orderId = open.shift()!;
            const body = step % 8 === 3 ? { orderId, quantity: 0.01 } : { orderId };
            const result = await api.http('POST', '/api/v1/trade/close', { token: user.token, body, headers: { 'x-request-id': id } });
            if (result.status !== 200) failures.push(`close ${JSON.stringify(body)}: ${result.status} ${JSON.stringify(result.body)}`);
          } else {
            const symbol = step % 2 === 0 ? 'BTCUSD' : 'ETHUSD';
            const result = await createOrder(api, user, { symbol, type: step % 3 === 0 ? 'SELL' : 'BUY', quantity: 0.02, leverage: 20, clientId: id }, id);
            if (result.status === 200) {
              acknowledged += 1;
              open.push(result.body.orderId);
            } else failures.push(`create: ${result.status} ${JSON.stringify(result.body)}`);
          }
          if (step % 10 === 9) {
            const bid = 42000 + step;
            await api.ticks([{ symbol: 'BTCUSD', bid, ask: bid + 10 }]);
          }
        }
      };
      const clients = Array.from({ length: 4 }, (_, k) => client(k));
      const readModels = c.liveReadModels();
      try {
        for (let kill = 1; kill <= 2; kill += 1) {
          const before = acknowledged;
          await waitFor(`10 more orders before projector kill ${kill}`, () => acknowledged >= before + 10, 15_000, 20);
          await c.kill9('projector');
          // Mid-stream: the log moves on while nobody projects it. Not by much: each client's next
          // order is appended, then its reply waits for the read models (up to their grace period),
          // so the log runs ahead by about one event per client trading at that moment.
          const checkpoint = await readModels.checkpoint();
          await waitFor('the log to run ahead of the dead projector', async () => (await c.logHead()) > checkpoint, 5_000, 20);
          await c.start('projector');
        }
        // A few more orders after the last restart, then the clients stop.
        const before = acknowledged;
        await waitFor('10 more orders after the last projector restart', () => acknowledged >= before + 10, 15_000, 20);
        finished = true;
        await Promise.all(clients);
      } finally {
        finished = true;
        await Promise.allSettled(clients);
        // Whatever failed above, the later tests need a projector.
        if (!c.process('projector').running) await c.start('projector');
      }
      expect({ failures, engineErrors: failures.length > 0 ? c.logLines('engine').slice(0, 5) : [] }).toEqual({ failures: [], engineErrors: [] });
      expect(c.process('projector').starts).toBe(3);

      const head = await c.waitForProjection();
      const log = await c.readLog();
      expect(log.at(-1)!.position).toBe(head);
      const rebuilt = new RedisReadModelStore(c.redis, `${c.prefix}rebuild:rm:`);
      await rebuildFromLog(log, rebuilt);
      expect(await readModels.checkpoint()).toBe(head);
      expect(await rebuilt.checkpoint()).toBe(head);

      const subjects = subjectsOf(log);
      const { calls, differences } = await readerDifferences(readModels, rebuilt, subjects);
      console.log(`projector kill -9 ×2: ${acknowledged} orders, ${log.length} events, ${subjects.accountIds.length} accounts, ${calls} reader calls compared`);
      expect(calls).toBeGreaterThan(100);
      expect(differences.slice(0, 5)).toEqual([]);
      expect(differences).toHaveLength(0);
    }, 90_000);
  });

  describe('a session is signed out on one API instance', () => {
    it('is refused on the other instance at once, in every dialect, while another session of the user still works there', async () => {
      const c = cluster();
      const user = await c.api(1).signup();
      const other = await c.api(2).signin(user.email, user.password);
      // API 2 has seen (and cached) the session as valid just before.
      expect((await c.api(2).http('GET', '/api/v1/accounts', { token: user.token })).status).toBe(200);

      expect((await c.api(1).http('POST', '/api/v1/user/signout', { token: user.token })).status).toBe(200);

      const refused = await Promise.all([
        c.api(2).http('GET', '/api/v1/accounts', { token: user.token }),
        c.api(2).http('GET', `/users/current/accounts/${user.accountId}/positions`, { headers: { 'auth-token': user.token } }),
        c.api(2).http('POST', '/trade/open', { headers: { authorization: user.token }, body: { login: Number(user.accountId), cmd: 0, volume: 1, symbol: 'BTCUSD', sl: 0, tp: 0 } }),
        c.api(1).http('GET', '/api/v1/accounts', { token: user.token }),
      ]);
      expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
      expect((await c.api(2).http('GET', '/api/v1/accounts', { token: other })).status).toBe(200);
    });
  });
});
