// Jest globals are typed explicitly because the production build (tsconfig.build.json) compiles this file too.
import { randomUUID } from 'node:crypto';
import { waitUntil } from '../../platform/src/testing/wait-until.js';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './event-store.port.js';

/**
 * The behaviour every EventStore adapter must have. Each test uses streams named with a fresh random
 * tag and only looks at its own streams, so the suite can run against a shared, non-empty server.
 */
export interface EventStoreContractOptions {
  /** Whether a failed expected revision in appendMany leaves the other streams of the call unwritten. */
  atomicMultiStream: boolean;
}

export type EventStoreFactory = () => Promise<{ store: EventStore; cleanup(): Promise<void> }>;

/** Room for a networked store; a healthy local run takes a fraction of it. */
const SLOW = 20_000;
/** How long "nothing more arrives" is watched for; longer than any adapter's poll interval in tests. */
const QUIET_MS = 400;

export function describeEventStoreContract(
  name: string,
  factory: EventStoreFactory,
  options: EventStoreContractOptions,
): void {
  describe(name, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let tag: string;
    const stream = (suffix = 'stream') => `${tag}-${suffix}`;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
      tag = `contract${randomUUID().replaceAll('-', '')}`;
    }, SLOW);

    afterEach(async () => {
      await cleanup();
    }, SLOW);

    describe('a stream that does not exist yet', () => {
      it('reads as empty', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });

      it('accepts an append expecting no_stream, starting at revision 0', async () => {
        const events = [newEvent(), newEvent()];
        const result = await store.append(stream(), events, 'no_stream');

        expect(result).toMatchObject({ stream: stream(), lastRevision: 1 });
        const stored = await store.readStream(stream());
        expect(stored.map((e) => [e.id, e.stream, e.revision])).toEqual([
          [events[0].id, stream(), 0],
          [events[1].id, stream(), 1],
        ]);
      });

      it('accepts an append expecting any', async () => {
        const result = await store.append(stream(), [newEvent()], 'any');
        expect(result.lastRevision).toBe(0);
      });

      it.each<ExpectedRevision>(['stream_exists', 0])(
        'rejects an append expecting %p and writes nothing',
        async (expected) => {
          const error = await store.append(stream(), [newEvent()], expected).catch((e: unknown) => e);

          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect(error).toMatchObject({ stream: stream(), expected, actual: 'no_stream' });
          expect(await store.readStream(stream())).toEqual([]);
        },
      );
    });

    describe('a stream with three events', () => {
      beforeEach(async () => {
        await store.append(stream(), [newEvent(), newEvent(), newEvent()], 'no_stream');
      });

      it('accepts an append expecting its last revision as a number', async () => {
        const result = await store.append(stream(), [newEvent(), newEvent()], 2);
        expect(result.lastRevision).toBe(4);
      });

      it('rejects an append expecting a stale revision and writes nothing', async () => {
        const error = await store.append(stream(), [newEvent()], 1).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream: stream(), expected: 1, actual: 2 });
        expect(await store.readStream(stream())).toHaveLength(3);
      });

      it('rejects an append expecting no_stream', async () => {
        const appending = store.append(stream(), [newEvent()], 'no_stream');
        await expect(appending).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream())).toHaveLength(3);
      });

      it('accepts an append expecting stream_exists', async () => {
        expect((await store.append(stream(), [newEvent()], 'stream_exists')).lastRevision).toBe(3);
      });

      it('accepts an append expecting any', async () => {
        expect((await store.append(stream(), [newEvent()], 'any')).lastRevision).toBe(3);
      });

      it('keeps revisions 0-based and contiguous across appends', async () => {
        await store.append(stream(), [newEvent()], 2);
        await store.append(stream(), [newEvent(), newEvent()], 3);
        expect((await store.readStream(stream())).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it('reads from a given revision, up to maxCount', async () => {
        const revisions = async (options: ReadStreamOptions) =>
          (await store.readStream(stream(), options)).map((e) => e.revision);
        expect(await revisions({ fromRevision: 1 })).toEqual([1, 2]);
        expect(await revisions({ fromRevision: 1, maxCount: 1 })).toEqual([1]);
        expect(await revisions({ fromRevision: 3 })).toEqual([]);
      });
    });

    describe('an append that is already stored (a retry with the same event ids)', () => {
      it('returns the original result and stores nothing twice', async () => {
        const events = [newEvent(), newEvent()];
        const first = await store.append(stream(), events, 'no_stream');

        const retried = await store.append(stream(), events, 'no_stream');

        expect(retried).toEqual(first);
        expect((await store.readStream(stream())).map((e) => e.id)).toEqual(events.map((e) => e.id));
      });

      it('is still a no-op after later appends to the stream', async () => {
        await store.append(stream(), [newEvent()], 'no_stream');
        const events = [newEvent(), newEvent()];
        const first = await store.append(stream(), events, 0);
        await store.append(stream(), [newEvent()], 2);

        const [retried] = await store.appendMany([{ stream: stream(), expectedRevision: 0, events }]);

        expect(retried).toEqual(first);
        expect(await store.readStream(stream())).toHaveLength(4);
      });
    });

    describe('an appendMany over several streams', () => {
      it('appends to every stream and returns one result per request, in request order', async () => {
        const results = await store.appendMany([
          { stream: stream('a'), expectedRevision: 'no_stream', events: [newEvent(), newEvent()] },
          { stream: stream('b'), expectedRevision: 'no_stream', events: [newEvent()] },
        ]);

        expect(results.map((r) => [r.stream, r.lastRevision])).toEqual([
          [stream('a'), 1],
          [stream('b'), 0],
        ]);
        expect(await store.readStream(stream('a'))).toHaveLength(2);
        expect(await store.readStream(stream('b'))).toHaveLength(1);
      });

      it('applies requests to the same stream in order', async () => {
        const results = await store.appendMany([
          { stream: stream(), expectedRevision: 'no_stream', events: [newEvent()] },
          { stream: stream(), expectedRevision: 0, events: [newEvent()] },
        ]);
        expect(results.map((r) => r.lastRevision)).toEqual([0, 1]);
      });

      it(
        options.atomicMultiStream
          ? 'writes nothing at all when one expected revision fails'
          : 'rejects and leaves the failing stream untouched when one expected revision fails',
        async () => {
          await store.append(stream('b'), [newEvent()], 'no_stream');

          const call = store.appendMany([
            { stream: stream('a'), expectedRevision: 'no_stream', events: [newEvent()] },
            { stream: stream('b'), expectedRevision: 5, events: [newEvent()] },
          ]);

          await expect(call).rejects.toBeInstanceOf(WrongExpectedRevisionError);
          expect(await store.readStream(stream('b'))).toHaveLength(1);
          if (options.atomicMultiStream) expect(await store.readStream(stream('a'))).toEqual([]);
        },
      );
    });

    describe('the whole log', () => {
      it('gives positions that increase across streams, and results that point at their last event', async () => {
        const a1 = await store.append(stream('a'), [newEvent()], 'no_stream');
        const b1 = await store.append(stream('b'), [newEvent(), newEvent()], 'no_stream');
        const a2 = await store.append(stream('a'), [newEvent()], 0);

        expect(a1.position).toBeLessThan(b1.position);
        expect(b1.position).toBeLessThan(a2.position);
        const readA = await store.readStream(stream('a'));
        const readB = await store.readStream(stream('b'));
        expect(readA.map((e) => e.position)).toEqual([a1.position, a2.position]);
        expect(readB[1].position).toBe(b1.position);
        expect(readB[0].position).toBeGreaterThan(a1.position);
        expect(readB[0].position).toBeLessThan(readB[1].position);
      });

      it('pages in position order after a given position', async () => {
        const start = await store.headPosition();
        const appended: string[] = [];
        for (const suffix of ['a', 'b', 'a', 'c', 'b']) {
          const event = newEvent();
          appended.push(event.id);
          await store.append(stream(suffix), [event], 'any');
        }

        const mine: RecordedEvent[] = [];
        let after = start;
        while (mine.length < appended.length) {
          const page = await store.readAll({ after, maxCount: 2 });
          expect(page.length).toBeGreaterThan(0);
          expect(page.length).toBeLessThanOrEqual(2);
          expect(page[0].position).toBeGreaterThan(after);
          assertIncreasing(page.map((e) => e.position));
          after = page[page.length - 1].position;
          mine.push(...page.filter((e) => e.stream.startsWith(tag)));
        }

        expect(mine.map((e) => e.id)).toEqual(appended);
        assertIncreasing(mine.map((e) => e.position));
      });

      it('reports a head position that covers the last append', async () => {
        const before = await store.headPosition();
        const result = await store.append(stream(), [newEvent()], 'no_stream');
        const after = await store.headPosition();

        expect(before).toBeLessThan(result.position);
        expect(after).toBeGreaterThanOrEqual(result.position);
      });
    });

    describe('events with rich data and metadata', () => {
      it('round-trip unchanged through readStream and readAll', async () => {
        const event = newEvent('RichThingHappened', {
          price: '12345.678901234567890123',
          quantity: '-0.00000001',
          nested: { list: [1, 'two', { three: [3] }], empty: {}, none: null, yes: true },
          text: 'Zürich → 東京 🚀 "quoted" \\ back\nslash',
        });
        event.metadata = { ...event.metadata, userId: 'ü-42', tags: ['a', 'b'], trace: { depth: 2 } };
        const before = await store.headPosition();
        await store.append(stream(), [event], 'no_stream');

        const [fromStream] = await store.readStream(stream());
        const fromAll = (await store.readAll({ after: before, maxCount: 100 })).find((e) => e.id === event.id);

        expect(fromAll).toBeDefined();
        for (const read of [fromStream, fromAll]) {
          const { id, type, data, metadata, recordedAt } = read!;
          expect({ id, type, data, metadata }).toEqual(event);
          expect(Number.isNaN(Date.parse(recordedAt))).toBe(false);
        }
      });
    });

    describe('a replay read of the whole log', () => {
      const outcome = { code: 'TRADE_RETCODE_DONE', message: 'Zürich "quoted" \\ 🚀', orderId: 7, price: '42000.5' };
      const withMetadata = (extra: Record<string, unknown>) => {
        const event = newEvent('ReplayRead', {
          price: '0.00000001',
          text: 'Zürich → 東京 🚀 "quoted" \\ back\nslash',
          nested: { list: [1, 'two', { three: [3] }], empty: {}, none: null, yes: true },
        });
        event.metadata = { ...event.metadata, ...extra };
        return event;
      };
      /** Appends events with every shape of metadata a replay tells apart; returns them with the position before. */
      async function appendVaried() {
        const events = [
          withMetadata({ commandId: 'cmd-1', outcome }),
          withMetadata({ commandId: 'cmd-2' }),
          withMetadata({ schemaVersion: 2, commandId: 42, outcome }),
          withMetadata({ commandId: 'cmd-3', outcome: 'not an object' }),
          withMetadata({ commandId: 'cmd-4', outcome: { ...outcome, orderId: 8 } }),
        ];
        const before = await store.headPosition();
        for (const event of events) await store.append(stream(), [event], 'any');
        const mine = (await store.readAll({ after: before, maxCount: 1_000 })).filter((e) => e.stream === stream());
        return { events, before, positions: mine.map((e) => e.position) };
      }
      const outcomeOf = (read: { outcomeJson: string | undefined }) => (read.outcomeJson === undefined ? undefined : JSON.parse(read.outcomeJson) as unknown);

      it('gives the events of readAll with their data and schema version, and the command id and outcome of those carrying both', async () => {
        const { events, before, positions } = await appendVaried();
        const read = (await store.readAllForReplay({ after: before, maxCount: 1_000 })).filter((e) => e.stream === stream());

        expect(read.map(({ stream: s, revision, position, type, data }) => ({ s, revision, position, type, data }))).toEqual(
          events.map((e, i) => ({ s: stream(), revision: i, position: positions[i], type: 'ReplayRead', data: e.data })),
        );
        expect(read.map((e) => e.schemaVersion)).toEqual([1, 1, 2, 1, 1]);
        // A text command id with an object outcome, or neither: a replay remembers only such pairs.
        expect(read.map((e) => e.commandId)).toEqual(['cmd-1', undefined, undefined, undefined, 'cmd-4']);
        expect(read.map(outcomeOf)).toEqual([outcome, undefined, undefined, undefined, { ...outcome, orderId: 8 }]);
      });

      it('gives command ids and outcomes from outcomesFrom on', async () => {
        const { before, positions } = await appendVaried();
        const read = (await store.readAllForReplay({ after: before, maxCount: 1_000, outcomesFrom: positions[4] })).filter((e) => e.stream === stream());

        expect(read).toHaveLength(5);
        expect(read[4]!.commandId).toBe('cmd-4');
        expect(outcomeOf(read[4]!)).toEqual({ ...outcome, orderId: 8 });
      });

      it('starts the outcomes a replay needs at or before the last ones it asks for', async () => {
        const { before, positions } = await appendVaried();
        // Events with a text command id and an object outcome: the first and the last.
        const start = await store.outcomesStart(before, 2);
        expect(start).toBeGreaterThanOrEqual(before);
        expect(start).toBeLessThanOrEqual(positions[0]!);
        const later = await store.outcomesStart(before, 1);
        expect(later).toBeGreaterThanOrEqual(before);
        expect(later).toBeLessThanOrEqual(positions[4]!);
      });
    });

    describe('a command looked up by its id', () => {
      const outcome = { code: 'TRADE_RETCODE_DONE', message: 'Request completed "ok" 🚀', accountId: 100_001 };
      const ofCommand = (commandId: string, extra: Record<string, unknown> = {}) => {
        const event = newEvent();
        event.metadata = { ...event.metadata, commandId, ...extra };
        return event;
      };

      it('gives the outcome on its last event and that event\'s position, when the adapter can look commands up', async () => {
        const commandId = `${tag}-command`;
        await store.append(stream(), [ofCommand(commandId), ofCommand(`${tag}-other`, { outcome: { ...outcome, accountId: 1 } })], 'any');
        const last = await store.append(stream(), [ofCommand(commandId, { outcome })], 'any');
        const found = await store.findOutcome(commandId);
        if (!store.findsOutcomes) {
          expect(found).toBeUndefined();
          return;
        }
        expect(found).toEqual({ position: last.position, outcomeJson: expect.any(String) });
        expect(JSON.parse(found!.outcomeJson)).toEqual(outcome);
      });

      it('gives nothing for a command the log never saw, or whose events carry no outcome', async () => {
        await store.append(stream(), [ofCommand(`${tag}-silent`)], 'any');
        expect(await store.findOutcome(`${tag}-never`)).toBeUndefined();
        expect(await store.findOutcome(`${tag}-silent`)).toBeUndefined();
      });
    });

    describe('a subscription to all from a checkpoint', () => {
      it(
        'replays the events after the checkpoint, then delivers live events in order, exactly once',
        async () => {
          await store.append(stream('a'), [newEvent()], 'no_stream');
          const checkpoint = (await store.append(stream('b'), [newEvent()], 'no_stream')).position;
          const history = [newEvent(), newEvent()];
          await store.append(stream('a'), history, 0);

          const received = collect(store, { after: checkpoint, streamPrefixes: [tag] });
          await received.until(2);
          const live = [newEvent(), newEvent(), newEvent()];
          await store.append(stream('b'), live.slice(0, 2), 0);
          await store.append(stream('c'), live.slice(2), 'no_stream');
          await received.until(5);
          await sleep(QUIET_MS);
          await received.subscription.stop();

          expect(received.events.map((e) => e.id)).toEqual([...history, ...live].map((e) => e.id));
          assertIncreasing(received.events.map((e) => e.position));
          expect(received.errors).toEqual([]);
        },
        SLOW,
      );

      it(
        'delivers only streams that match its prefixes, and keeps going past the others',
        async () => {
          const checkpoint = await store.headPosition();
          const received = collect(store, { after: checkpoint, streamPrefixes: [stream('order'), stream('fill')] });
          const wanted: string[] = [];
          for (const suffix of ['order-1', 'account-1', 'fill-1', 'account-2', 'order-2']) {
            const event = newEvent();
            if (!suffix.startsWith('account')) wanted.push(event.id);
            await store.append(stream(suffix), [event], 'no_stream');
          }
          await received.until(wanted.length);
          await sleep(QUIET_MS);
          await received.subscription.stop();

          expect(received.events.map((e) => e.id)).toEqual(wanted);
        },
        SLOW,
      );

      it(
        'waits for the handler to finish before delivering the next batch, within batchSize',
        async () => {
          const checkpoint = await store.headPosition();
          await store.append(stream(), [newEvent(), newEvent(), newEvent(), newEvent(), newEvent()], 'no_stream');
          let running = 0;
          let overlapped = false;
          const batches: number[] = [];
          const received = collect(store, {
            after: checkpoint,
            streamPrefixes: [tag],
            batchSize: 2,
            onEvents: async (events) => {
              overlapped ||= running > 0;
              running += 1;
              batches.push(events.length);
              await sleep(20);
              running -= 1;
            },
          });
          await received.until(5);
          await received.subscription.stop();

          expect(overlapped).toBe(false);
          expect(Math.max(...batches)).toBeLessThanOrEqual(2);
        },
        SLOW,
      );

      it(
        'delivers nothing more once stop() has resolved',
        async () => {
          const checkpoint = await store.headPosition();
          const received = collect(store, { after: checkpoint, streamPrefixes: [tag] });
          await store.append(stream(), [newEvent()], 'no_stream');
          await received.until(1);

          await received.subscription.stop();
          await store.append(stream(), [newEvent()], 0);
          await sleep(QUIET_MS);

          expect(received.events).toHaveLength(1);
        },
        SLOW,
      );

      it(
        'resolves stop() only after the running handler has finished',
        async () => {
          const checkpoint = await store.headPosition();
          const handler = deferred();
          let entered = false;
          let finished = false;
          const received = collect(store, {
            after: checkpoint,
            streamPrefixes: [tag],
            onEvents: async () => {
              entered = true;
              await handler.promise;
              finished = true;
            },
          });
          await store.append(stream(), [newEvent()], 'no_stream');
          await waitFor(() => entered, 'the handler to be called');

          const stopped = received.subscription.stop().then(() => finished);
          await sleep(50);
          handler.resolve();

          expect(await stopped).toBe(true);
        },
        SLOW,
      );

      it(
        'stops and reports the error when the handler throws',
        async () => {
          const checkpoint = await store.headPosition();
          const failure = new Error('handler failed');
          let calls = 0;
          const received = collect(store, {
            after: checkpoint,
            streamPrefixes: [tag],
            onEvents: () => {
              calls += 1;
              throw failure;
            },
          });
          await store.append(stream(), [newEvent()], 'no_stream');
          await waitFor(() => received.errors.length > 0, 'onError to be called');
          await store.append(stream(), [newEvent()], 0);
          await sleep(QUIET_MS);
          await received.subscription.stop();

          expect(received.errors).toEqual([failure]);
          expect(calls).toBe(1);
        },
        SLOW,
      );
    });
  });
}

let sequence = 0;

export function newEvent(type = 'ContractTested', data: Record<string, unknown> = {}): NewEvent {
  sequence += 1;
  return {
    id: randomUUID(),
    type,
    data: { sequence, ...data },
    metadata: {
      timestamp: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      schemaVersion: 1,
    },
  };
}

type CollectOptions = Omit<SubscribeOptions, 'onEvents' | 'onError'> & Partial<Pick<SubscribeOptions, 'onEvents'>>;

/** Subscribes and records what arrives and what fails; an `onEvents` given runs first, then its batch is recorded. */
function collect(store: EventStore, options: CollectOptions) {
  const events: RecordedEvent[] = [];
  const errors: Error[] = [];
  const subscription = store.subscribeToAll({
    ...options,
    onEvents: async (batch) => {
      await options.onEvents?.(batch);
      events.push(...batch);
    },
    onError: (error) => errors.push(error),
  });
  const until = (count: number) => waitFor(() => events.length >= count || errors.length > 0, `${count} events`);
  return { events, errors, subscription, until };
}

const waitFor = (condition: () => boolean, what: string) => waitUntil(condition, what, SLOW / 2, 10);

function assertIncreasing(positions: number[]): void {
  positions.slice(1).forEach((position, i) => expect(position).toBeGreaterThan(positions[i]));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
