import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedToString, type Quote } from '../../../../libs/domain/src/index.js';
import { DEFAULT_REPLAY_FILE, resolveReplayFile } from '../feed-settings.js';
import { capturingLogger } from '../testing/capturing-logger.js';
import { ReplayPriceFeed } from './replay-price-feed.js';

const shown = (q: Quote) => `${new Date(q.time).toISOString()} ${q.symbol} ${fixedToString(q.bid)}/${fixedToString(q.ask)} ${q.feed}`;

describe('replaying a file', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('at speed 0 with the original times', () => {
    it('sends every valid tick in file order with its recorded time, skipping bad lines with a warning', async () => {
      const csv = file(
        'ticks.csv',
        [
          'time,symbol,bid,ask',
          '2026-03-02T10:00:05.120Z,BTCUSD,65010.50,65025.50',
          '2026-03-02T10:00:06.000Z,EURUSD,1.085123,1.08520',
          '2026-03-02T10:00:04.000Z,BTCUSD,65000,65001',
          '2026-03-02T10:00:07.000Z,DOGEUSD,1,2',
          '1772445608000,ETHUSD,3201.15,3201.65',
        ].join('\n'),
      );
      const { logger, lines } = capturingLogger();
      const ticks: Quote[] = [];
      const feed = new ReplayPriceFeed({ file: csv, speed: 0, clock: 'original', logger });
      feed.start(async (tick) => {
        ticks.push(tick);
      });
      await feed.finished();
      expect(ticks.map(shown)).toEqual(['2026-03-02T10:00:05.120Z BTCUSD 65010.5/65025.5 replay', `${new Date(1772445608000).toISOString()} ETHUSD 3201.15/3201.65 replay`]);
      expect(lines.filter((l) => l.level === 'warn').map((l) => [l.fields.line, l.fields.reason])).toEqual([
        [3, 'EURUSD prices must have at most 5 decimals'],
        [4, 'time before the previous line (the file must be in time order)'],
        [5, 'unknown symbol "DOGEUSD"'],
      ]);
      expect(feed.status()).toMatchObject({ feed: 'replay', state: 'idle', ticks: 2, detail: 'replay finished: 2 ticks sent, 3 lines refused' });
    });

    it('waits for the engine: never more ticks in flight than allowed', async () => {
      const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ time: 1772445600000 + i, symbol: 'BTCUSD', bid: `${65000 + i}`, ask: `${65001 + i}` }));
      const jsonl = file('ticks.jsonl', lines.join('\n'));
      let inFlight = 0;
      let most = 0;
      const feed = new ReplayPriceFeed({ file: jsonl, speed: 0, clock: 'original', maxInFlight: 4, logger: capturingLogger().logger });
      feed.start(async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight -= 1;
      });
      await feed.finished();
      expect(feed.status().ticks).toBe(50);
      expect(most).toBe(4);
    });
  });

  describe('at speed 1 with the clock now', () => {
    it('keeps the recorded intervals and stamps each tick with the time it is sent', async () => {
      const csv = file('ticks.csv', ['2026-03-02T10:00:00.000Z,BTCUSD,1,2', '2026-03-02T10:00:00.150Z,BTCUSD,3,4', '2026-03-02T10:00:00.300Z,BTCUSD,5,6'].join('\n'));
      const sentAt: number[] = [];
      const ticks: Quote[] = [];
      const started = Date.now();
      const feed = new ReplayPriceFeed({ file: csv, speed: 1, clock: 'now', logger: capturingLogger().logger });
      feed.start((tick) => {
        sentAt.push(Date.now());
        ticks.push(tick);
      });
      await feed.finished();
      expect(ticks.map((t) => t.time - ticks[0]!.time)).toEqual([0, 150, 300]);
      expect(ticks[0]!.time).toBeGreaterThanOrEqual(started);
      // Sent no earlier than due (timers fire late, never early).
      ticks.forEach((t, i) => expect(sentAt[i]!).toBeGreaterThanOrEqual(t.time - 1));
    });
  });

  describe('in a loop', () => {
    it('starts the file over, with times that keep moving forward', async () => {
      const csv = file('ticks.csv', ['2026-03-02T10:00:00.000Z,BTCUSD,1,2', '2026-03-02T10:00:00.010Z,BTCUSD,3,4'].join('\n'));
      const ticks: Quote[] = [];
      const feed = new ReplayPriceFeed({ file: csv, speed: 1, clock: 'now', loop: true, logger: capturingLogger().logger });
      feed.start((tick) => {
        ticks.push(tick);
      });
      while (feed.passes < 3) await new Promise((r) => setTimeout(r, 5));
      await feed.stop();
      expect(ticks.length).toBeGreaterThanOrEqual(6);
      for (let i = 1; i < ticks.length; i += 1) expect(ticks[i]!.time).toBeGreaterThanOrEqual(ticks[i - 1]!.time);
      expect(feed.status().state).toBe('idle');
    });
  });

  describe('stopped in the middle of a slow replay', () => {
    it('stops at once', async () => {
      const csv = file('ticks.csv', ['2026-03-02T10:00:00.000Z,BTCUSD,1,2', '2026-03-02T11:00:00.000Z,BTCUSD,3,4'].join('\n'));
      const ticks: Quote[] = [];
      const feed = new ReplayPriceFeed({ file: csv, speed: 1, clock: 'now', logger: capturingLogger().logger });
      feed.start((tick) => {
        ticks.push(tick);
      });
      while (ticks.length === 0) await new Promise((r) => setTimeout(r, 5));
      const before = Date.now();
      await feed.stop();
      expect(Date.now() - before).toBeLessThan(1_000);
      expect(ticks).toHaveLength(1);
    });
  });
});

describe('the recorded file that ships with the repository', () => {
  it('replays completely: 24 ticks, no line refused', async () => {
    const { logger, lines } = capturingLogger();
    const feed = new ReplayPriceFeed({ file: resolveReplayFile(DEFAULT_REPLAY_FILE), speed: 0, clock: 'original', logger });
    const ticks: Quote[] = [];
    feed.start((tick) => {
      ticks.push(tick);
    });
    await feed.finished();
    expect(ticks).toHaveLength(24);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});
