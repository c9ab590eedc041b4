import type { RecordedEvent } from '../../../libs/event-store/src/index.js';
import { waitUntil } from '../../../libs/platform/src/testing/wait-until.js';
import { LogFollower } from './log-follower.js';

const event = (position: number) => ({ position }) as RecordedEvent;

/** A log another process appends to: `append` adds events without telling anyone. */
function sharedLog() {
  const events: RecordedEvent[] = [];
  let reads = 0;
  return {
    append: (...positions: number[]) => events.push(...positions.map(event)),
    get reads() {
      return reads;
    },
    readAll: async ({ after = 0, maxCount }: { after?: number; maxCount: number }) => {
      reads += 1;
      return events.filter((e) => e.position > after).slice(0, maxCount);
    },
  };
}

const until = (check: () => boolean) => waitUntil(check, 'the follower', 2_000, 1);

describe('LogFollower', () => {
  it('delivers the log after the checkpoint in pages, then an announced append at once (long before the fallback)', async () => {
    const log = sharedLog();
    log.append(1, 2, 3, 4, 5);
    const seen: number[][] = [];
    const follower = new LogFollower(log, {
      after: 1,
      batchSize: 2,
      fallbackMs: 60_000,
      onEvents: async (events) => void seen.push(events.map((e) => e.position)),
      onError: (error) => { throw error; },
    });
    await until(() => seen.length === 2);
    expect(seen).toEqual([[2, 3], [4, 5]]);
    log.append(6);
    follower.wake();
    await until(() => seen.length === 3);
    expect(seen[2]).toEqual([6]);
    await follower.stop();
  });

  it('keeps a wake that arrives while a page is being handled, so the append after it is not left waiting', async () => {
    const log = sharedLog();
    log.append(1);
    const seen: number[] = [];
    let follower!: LogFollower;
    follower = new LogFollower(log, {
      after: 0,
      batchSize: 10,
      fallbackMs: 60_000,
      onEvents: async (events) => {
        seen.push(...events.map((e) => e.position));
        // Appended and announced while this page is still being handled.
        if (events[0]!.position === 1) {
          log.append(2);
          follower.wake();
        }
      },
      onError: (error) => { throw error; },
    });
    await until(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
    await follower.stop();
  });

  it('reads again after the fallback when an announcement was lost', async () => {
    const log = sharedLog();
    const seen: number[] = [];
    const follower = new LogFollower(log, {
      after: 0,
      batchSize: 10,
      fallbackMs: 20,
      onEvents: async (events) => void seen.push(...events.map((e) => e.position)),
      onError: (error) => { throw error; },
    });
    await until(() => log.reads >= 1);
    log.append(1); // never announced
    await until(() => seen.length === 1);
    expect(seen).toEqual([1]);
    await follower.stop();
  });

  it('stops on a failing read and reports it', async () => {
    const errors: Error[] = [];
    const follower = new LogFollower(
      { readAll: async () => { throw new Error('disk gone'); } },
      { after: 0, batchSize: 10, fallbackMs: 60_000, onEvents: async () => undefined, onError: (error) => void errors.push(error) },
    );
    await until(() => errors.length > 0);
    await follower.stop();
    expect(errors.map((e) => e.message)).toEqual(['disk gone']);
  });
});
