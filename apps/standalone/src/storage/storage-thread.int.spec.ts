import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeEventStoreContract } from '../../../../libs/event-store/src/event-store.contract.js';
import { SqliteEventStore, type RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { waitUntil } from '../../../../libs/platform/src/testing/wait-until.js';
import { SqliteReadModelStore } from '../../../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { StorageThread, StorageThreadStoppedError } from './storage-thread.js';
import { ThreadedSqliteEventStore } from './threaded-sqlite-event-store.js';

/** The worker runs compiled code (a thread cannot load TypeScript); `npm test` builds first. */
const WORKER = join(resolve(fileURLToPath(new URL('../../../..', import.meta.url))), 'dist', 'apps', 'standalone', 'src', 'storage', 'storage-worker.js');
if (!existsSync(WORKER)) throw new Error(`${WORKER} does not exist: run \`npm run build\` before these tests (\`npm test\` builds first).`);

const root = mkdtempSync(join(tmpdir(), 'storage-thread-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Opened {
  thread: StorageThread;
  events: ThreadedSqliteEventStore;
  readModels: SqliteReadModelStore;
  projected: { position: number; events: RecordedEvent[] | null }[];
  close(): Promise<void>;
}

async function open(dir = join(root, randomUUID())): Promise<Opened> {
  const eventsFile = join(dir, 'events.sqlite');
  const readModelsFile = join(dir, 'read-models.sqlite');
  const projected: Opened['projected'] = [];
  const thread = await StorageThread.start({
    eventsFile,
    readModelsFile,
    logger: createLogger('storage-test'),
    script: pathToFileURL(WORKER),
    onProjected: (position, events) => projected.push({ position, events }),
  });
  const events = new ThreadedSqliteEventStore(new SqliteEventStore(eventsFile), thread);
  const readModels = new SqliteReadModelStore(readModelsFile);
  return {
    thread,
    events,
    readModels,
    projected,
    async close() {
      await thread.stop();
      await events.close();
      await readModels.close();
    },
  };
}

const until = (condition: () => boolean) => waitUntil(condition, 'the storage thread');

const userRegistered = (userId: number, email: string) => ({
  id: randomUUID(),
  type: 'UserRegistered',
  data: { userId, email, passwordHash: 'argon2-hash', registeredAt: '2026-11-22T06:00:00.000Z' },
  metadata: { timestamp: '2026-11-22T06:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1 },
});

// The same contract as every adapter: appends cross to the storage thread and back (errors keep their class).
describeEventStoreContract(
  'ThreadedSqliteEventStore (appends on the storage thread)',
  async () => {
    const opened = await open();
    return { store: opened.events, cleanup: () => opened.close() };
  },
  { atomicMultiStream: true },
);

describe('a storage thread following its log', () => {
  it('projects every append into the read models and announces the position with the events', async () => {
    const s = await open();
    try {
      const [result] = await s.events.appendMany([{ stream: 'user-7', expectedRevision: 'no_stream', events: [userRegistered(7, 'ada@example.com')] }]);
      await until(() => s.projected.some((p) => p.position >= result!.position));
      const announced = s.projected.find((p) => p.events !== null)!;
      expect(announced.events!.map((e) => [e.type, e.position, e.stream])).toEqual([['UserRegistered', result!.position, 'user-7']]);
      // Read by this thread's own connection, written by the storage thread.
      await expect(s.readModels.user(7)).resolves.toMatchObject({ userId: 7, email: 'ada@example.com' });
      await expect(s.readModels.checkpoint()).resolves.toBe(result!.position);
    } finally {
      await s.close();
    }
  });

  it('starts again where the read models stopped: a restart announces the stored checkpoint and projects nothing twice', async () => {
    const dir = join(root, randomUUID());
    const first = await open(dir);
    const [a] = await first.events.appendMany([{ stream: 'user-1', expectedRevision: 'no_stream', events: [userRegistered(1, 'a@example.com')] }]);
    await until(() => first.projected.some((p) => p.position >= a!.position));
    await first.close();

    const second = await open(dir);
    try {
      expect(second.projected[0]).toEqual({ position: a!.position, events: null });
      const [b] = await second.events.appendMany([{ stream: 'user-2', expectedRevision: 'no_stream', events: [userRegistered(2, 'b@example.com')] }]);
      await until(() => second.projected.some((p) => p.position >= b!.position));
      const replayed = second.projected.flatMap((p) => p.events ?? []).map((e) => e.stream);
      expect(replayed).toEqual(['user-2']);
    } finally {
      await second.close();
    }
  });

  it('refuses appends once stopping, and says that nothing was written', async () => {
    const s = await open();
    await s.thread.stop();
    await expect(s.events.append('user-3', [userRegistered(3, 'c@example.com')], 'no_stream')).rejects.toThrow(/stopping: nothing was written/);
    await s.events.close();
    await s.readModels.close();
  });
});

/**
 * Supervision alone, with a stand-in thread that speaks the protocol and dies (exit code 3) on an
 * append to the stream `crash`: the real thread cannot be made to die on cue from outside.
 */
describe('a storage thread that dies', () => {
  const dyingWorker = join(root, 'dying-worker.mjs');
  // Each start counts itself in a file (threads share no memory); the start named in `<eventsFile>.fail-start`, if any, fails.
  writeFileSync(
    dyingWorker,
    `import { parentPort, workerData } from 'node:worker_threads';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const counter = workerData.eventsFile + '.starts';
const start = (existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0) + 1;
writeFileSync(counter, String(start));
const failing = workerData.eventsFile + '.fail-start';
if (existsSync(failing) && readFileSync(failing, 'utf8') === String(start)) {
  parentPort.postMessage({ kind: 'start-failed', error: { name: 'Error', message: 'start ' + start + ' refused' } });
} else {
parentPort.on('message', (m) => {
  if (m.kind === 'append') {
    if (m.requests[0].stream === 'crash') process.exit(3);
    parentPort.postMessage({ kind: 'append-done', id: m.id, results: [{ stream: m.requests[0].stream, lastRevision: 0, position: 1 }] });
  } else if (m.kind === 'stop') {
    parentPort.postMessage({ kind: 'stopped' });
    parentPort.close();
  }
});
parentPort.postMessage({ kind: 'ready' });
}
`,
  );

  const startDying = (name: string) =>
    StorageThread.start({
      eventsFile: join(root, `${name}.sqlite`),
      readModelsFile: join(root, `${name}-read-models.sqlite`),
      logger: createLogger('storage-test'),
      script: pathToFileURL(dyingWorker),
      onProjected: () => undefined,
    });
  const request = (stream: string) => [{ stream, expectedRevision: 'any' as const, events: [] }];
  const answeredOnceUp = async (thread: StorageThread) => {
    let answered: unknown;
    await until(() => {
      thread.append(request('after')).then((r) => (answered = r), () => undefined);
      return answered !== undefined;
    });
    return answered;
  };

  it('fails the unanswered append, refuses appends while it is down, and is replaced by a new thread', async () => {
    const thread = await startDying('replaced');
    try {
      await expect(thread.append(request('before'))).resolves.toEqual([{ stream: 'before', lastRevision: 0, position: 1 }]);
      const lost = thread.append(request('crash'));
      await expect(lost).rejects.toBeInstanceOf(StorageThreadStoppedError);
      await expect(lost).rejects.toThrow(/exit code 3.*may or may not be in the log/);
      expect(thread.failure?.message).toMatch(/storage thread stopped/);
      await expect(thread.append(request('meanwhile'))).rejects.toThrow(/restarting: nothing was written/);
      expect(await answeredOnceUp(thread)).toEqual([{ stream: 'after', lastRevision: 0, position: 1 }]);
    } finally {
      await thread.stop();
    }
  });

  it('keeps starting new threads, backing off, while a replacement cannot start', async () => {
    // The first replacement (start 2) fails; the next one (start 3) serves.
    writeFileSync(join(root, 'retried.sqlite.fail-start'), '2');
    const thread = await startDying('retried');
    try {
      await expect(thread.append(request('crash'))).rejects.toBeInstanceOf(StorageThreadStoppedError);
      expect(await answeredOnceUp(thread)).toEqual([{ stream: 'after', lastRevision: 0, position: 1 }]);
      expect(readFileSync(join(root, 'retried.sqlite.starts'), 'utf8')).toBe('3');
    } finally {
      await thread.stop();
    }
  });
});
