import { formatBar, formatLine, fractionDone, Progress, rateAndEta } from './progress.js';

describe('a pass halfway through the log after 10 s', () => {
  const sample = { events: 50_000, position: 60_000, head: 120_000, elapsedMs: 10_000 };

  it('is at 50 % by position, runs at 5,000 events/s and has about 10 s left', () => {
    expect(fractionDone(sample)).toBe(0.5);
    expect(rateAndEta(sample)).toEqual({ rate: 5_000, etaMs: 10_000 });
  });

  it('prints a plain line with events, percent, rate and time left', () => {
    expect(formatLine('rebuild', sample)).toBe('rebuild: 50,000 events (50%, position 60000/120000), 5,000 events/s, 10s left');
  });

  it('draws a bar for a terminal', () => {
    expect(formatBar('rebuild', sample)).toBe(`rebuild ${'█'.repeat(15)}${'░'.repeat(15)}  50%  50,000 events  5,000/s  ETA 10s`);
  });
});

describe('an empty log', () => {
  it('is done from the start', () => {
    expect(fractionDone({ events: 0, position: 0, head: 0, elapsedMs: 0 })).toBe(1);
  });
});

describe('progress written to a pipe', () => {
  it('prints a plain line at most every interval, and a last one at the end', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = new Progress('verify', 100, { write: (t: string) => lines.push(t), isTTY: false }, () => now, 1_000);
    for (let i = 1; i <= 100; i += 1) {
      now += 50;
      progress.update(i, i);
    }
    progress.finish();
    expect(lines).toHaveLength(5 + 1);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(lines[lines.length - 1]).toContain('100 events (100%');
  });
});

describe('progress written to a terminal', () => {
  it('redraws one line in place and ends it with a newline', () => {
    const writes: string[] = [];
    let now = 0;
    const progress = new Progress('rebuild', 10, { write: (t: string) => writes.push(t), isTTY: true }, () => now);
    for (let i = 1; i <= 10; i += 1) {
      now += 100;
      progress.update(i, i);
    }
    progress.finish();
    expect(writes.slice(0, -1).every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(writes[writes.length - 1]).toBe('\n');
  });
});
