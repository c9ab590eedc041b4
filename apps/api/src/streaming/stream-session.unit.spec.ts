import type { LiveEvent } from './stream-messages.js';
import { StreamSession, type SessionHost, type StreamLimits, type StreamTransport } from './stream-session.js';

const LIMITS: StreamLimits = { maxBufferBytes: 1_000, maxPendingEvents: 100, replayPage: 2, maxReplayScan: 1_000, replayStallMs: 200 };

const event = (position: number, accountId = 100001, type = 'BalanceChanged'): LiveEvent => ({
  position,
  stream: `account-${accountId}`,
  type,
  data: { accountId, kind: 'DEPOSIT', amount: '1', balance: String(position), comment: '', changedAt: '2026-01-01T00:00:00.000Z' },
  metadata: { timestamp: '2026-01-01T00:00:00.000Z', correlationId: `c${position}`, causationId: `k${position}`, schemaVersion: 1 },
});

class FakeTransport implements StreamTransport {
  readonly kind = 'websocket' as const;
  readonly sent: Record<string, unknown>[] = [];
  buffered = 0;
  closedWith?: { code: number; reason: string };

  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }

  bufferedBytes(): number {
    return this.buffered;
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  positions(): number[] {
    return this.sent.filter((m) => m.type === 'event').map((m) => m.position as number);
  }
}

/** A log in memory; `duringRead` runs while a replay page is being read (live events racing the replay). */
function host(log: LiveEvent[], duringRead: (after: number) => void = () => undefined): SessionHost {
  return {
    readLog: async (after, maxCount) => {
      const page = log.filter((e) => e.position > after).slice(0, maxCount);
      duringRead(after);
      return page;
    },
    head: async () => log.reduce((max, e) => Math.max(max, e.position), 0),
    track: () => undefined,
    trackAll: () => undefined,
    trackUser: () => undefined,
    forget: () => undefined,
    sendSummaries: () => undefined,
    touched: () => undefined,
    counted: () => undefined,
    dropped: () => undefined,
  };
}

const USER = { kind: 'user' as const, userId: 1 };

describe('StreamSession', () => {
  describe('a subscription resuming from a position while new events keep arriving', () => {
    it('sends every later event of its account once, in log order, then turns live', async () => {
      const log = [event(1), event(2), event(3), event(4, 200002), event(5)];
      const transport = new FakeTransport();
      let session: StreamSession | undefined;
      const racing = host(log, (after) => {
        // Events 5 (also in the log read) and 6 (appended after it) reach the live feed mid-replay.
        if (after === 1) {
          log.push(event(6));
          session!.onLive(event(5));
          session!.onLive(event(6));
        }
      });
      session = new StreamSession(1, transport, racing, LIMITS);

      await session.begin(USER, { from: 1, symbols: [] }, [100001], { followUser: 1 });
      session.onLive(event(6));
      session.onLive(event(7));

      expect(transport.positions()).toEqual([2, 3, 5, 6, 7]);
      expect(transport.sent[0]).toMatchObject({ type: 'welcome', from: 1 });
      expect(transport.sent.find((m) => m.type === 'live')).toEqual({ type: 'live', position: 6 });
      expect(session.state).toBe('live');
    });
  });

  describe('a user subscription', () => {
    it('never sends events of an account it does not follow', async () => {
      const transport = new FakeTransport();
      const session = new StreamSession(1, transport, host([event(1), event(2, 200002)]), LIMITS);

      await session.begin(USER, { from: 0, symbols: [] }, [100001], { followUser: 1 });
      session.onLive(event(3, 200002));
      session.onLive({ ...event(4, 300003, 'AccountOpened'), data: { accountId: 300003, userId: 2 } });

      expect(transport.sent.filter((m) => m.type === 'event').map((m) => m.accountId)).toEqual(['100001']);
    });

    it('follows an account the user opens later', async () => {
      const transport = new FakeTransport();
      const session = new StreamSession(1, transport, host([event(1)]), LIMITS);
      await session.begin(USER, { symbols: [] }, [100001], { followUser: 1 });

      session.onLive({ ...event(2, 100002, 'AccountOpened'), data: { accountId: 100002, userId: 1 } });
      session.onLive(event(3, 100002));

      expect(transport.positions()).toEqual([2, 3]);
      expect(session.accounts.has(100002)).toBe(true);
    });
  });

  describe('a client that stopped reading', () => {
    it('is closed with 4008 "slow consumer" instead of being written to', async () => {
      const transport = new FakeTransport();
      const session = new StreamSession(1, transport, host([event(1)]), LIMITS);
      await session.begin(USER, { symbols: [] }, [100001], {});
      const before = transport.sent.length;

      transport.buffered = LIMITS.maxBufferBytes + 1;
      session.onLive(event(2));

      expect(transport.closedWith).toEqual({ code: 4008, reason: 'slow consumer' });
      expect(transport.sent.length).toBe(before);
      expect(session.closed).toBe(true);
    });

    it('is closed with 4008 when its replay is not read in time', async () => {
      const transport = new FakeTransport();
      transport.buffered = LIMITS.maxBufferBytes;
      const session = new StreamSession(1, transport, host([event(1), event(2)]), LIMITS);

      await session.begin(USER, { from: 0, symbols: [] }, [100001], {});

      expect(transport.closedWith?.code).toBe(4008);
      expect(transport.positions()).toEqual([]);
    });
  });

  describe('a session whose token expires', () => {
    it('is closed with 4001 at the expiry', async () => {
      const transport = new FakeTransport();
      const session = new StreamSession(1, transport, host([event(1)]), LIMITS);
      await session.begin(USER, { symbols: [] }, [100001], {});

      session.expireAt(Date.now() + 5);
      await new Promise((resolve) => setTimeout(resolve, 30));

      expect(transport.closedWith).toEqual({ code: 4001, reason: 'unauthorized' });
      expect(transport.sent[transport.sent.length - 1]).toMatchObject({ type: 'error', error: expect.stringContaining('Token expired') });
    });
  });

  describe('a resume position ahead of the log', () => {
    it('is refused with 4000', async () => {
      const transport = new FakeTransport();
      const session = new StreamSession(1, transport, host([event(1)]), LIMITS);

      await session.begin(USER, { from: 99, symbols: [] }, [100001], {});

      expect(transport.closedWith?.code).toBe(4000);
    });
  });
});
