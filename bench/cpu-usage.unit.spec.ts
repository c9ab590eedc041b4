import { machineTicks, processTicks } from './cpu-usage.js';

describe('a process stat line', () => {
  it('gives user + system ticks, whatever spaces and parentheses its command name holds', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = '4242 (node (my worker) x) S 1 4242 4242 0 -1 4194560 9035 0 0 0 1234 567 0 0 20 0 11 0';
    expect(processTicks(line)).toBe(1234 + 567);
  });
});

describe('the machine stat line', () => {
  it('counts every tick but idle and iowait as busy', () => {
    const stat = 'cpu  100 5 50 800 40 3 2 7 0 0\ncpu0 50 2 25 400 20 1 1 3 0 0\n';
    expect(machineTicks(stat)).toEqual([100 + 5 + 50 + 3 + 2 + 7, 100 + 5 + 50 + 800 + 40 + 3 + 2 + 7]);
  });
});
