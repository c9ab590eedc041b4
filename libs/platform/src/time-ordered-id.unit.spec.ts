import { timeOrderedUuid } from './time-ordered-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('a time-ordered id', () => {
  it('is a version 7 UUID with the RFC variant', () => {
    for (let i = 0; i < 1_000; i++) expect(timeOrderedUuid()).toMatch(UUID_V7);
  });

  it('carries the millisecond it was made in its first 48 bits', () => {
    const ms = Date.UTC(2026, 10, 22, 5, 30, 0, 123);
    const id = timeOrderedUuid(ms);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sorts by time across milliseconds, as text', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_255, 1_700_000_000_256, 1_800_000_000_000].map((ms) => timeOrderedUuid(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('never repeats within one millisecond', () => {
    const ms = 1_700_000_000_000;
    const ids = new Set(Array.from({ length: 100_000 }, () => timeOrderedUuid(ms)));
    expect(ids.size).toBe(100_000);
  });
});
