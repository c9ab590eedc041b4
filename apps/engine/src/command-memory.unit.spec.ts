import type { Outcome } from '../../../libs/domain/src/index.js';
import { CommandMemory } from './command-memory.js';

const done = (orderId: number): Outcome => ({ code: 'TRADE_RETCODE_DONE', message: 'Request completed', orderId });

describe('a command memory', () => {
  describe('within its window', () => {
    it('recalls every command with its outcome and position', () => {
      const memory = new CommandMemory(3);
      memory.remember('a', done(1), 10);
      memory.remember('b', done(2), 11);
      expect(memory.recall('a')).toEqual({ outcome: done(1), position: 10 });
      expect(memory.recall('b')).toEqual({ outcome: done(2), position: 11 });
      expect(memory.recall('c')).toBeUndefined();
      expect(memory.size).toBe(2);
    });

    it('parses an outcome kept as JSON text when it is recalled', () => {
      const memory = new CommandMemory(3);
      memory.remember('a', JSON.stringify(done(7)), 5);
      expect(memory.recall('a')).toEqual({ outcome: done(7), position: 5 });
      expect(memory.recall('a')!.outcome).toBe(memory.recall('a')!.outcome);
    });
  });

  describe('past its window', () => {
    it('forgets the oldest commands first and lists the rest oldest first', () => {
      const memory = new CommandMemory(3);
      for (const [i, id] of ['a', 'b', 'c', 'd', 'e'].entries()) memory.remember(id, done(i), i);
      expect(memory.recall('a')).toBeUndefined();
      expect(memory.recall('b')).toBeUndefined();
      expect(memory.size).toBe(3);
      expect([...memory.oldestFirst()].map(([id, , position]) => [id, position])).toEqual([['c', 2], ['d', 3], ['e', 4]]);
    });

    it('keeps a command remembered again when its older entry leaves the window', () => {
      const memory = new CommandMemory(3);
      memory.remember('a', done(1), 1);
      memory.remember('b', done(2), 2);
      memory.remember('a', done(3), 3);
      memory.remember('c', done(4), 4); // evicts the first 'a'
      expect(memory.recall('a')).toEqual({ outcome: done(3), position: 3 });
      expect([...memory.oldestFirst()].map(([id]) => id)).toEqual(['b', 'a', 'c']);
    });

    it('stays bounded however many commands pass', () => {
      const memory = new CommandMemory(1_000);
      for (let i = 0; i < 100_000; i++) memory.remember(`cmd-${i}`, done(i), i);
      expect(memory.size).toBe(1_000);
      expect(memory.recall('cmd-98999')).toBeUndefined();
      expect(memory.recall('cmd-99000')?.position).toBe(99_000);
    });
  });

  describe('cleared', () => {
    it('remembers nothing and fills again from the start', () => {
      const memory = new CommandMemory(2);
      memory.remember('a', done(1), 1);
      memory.remember('b', done(2), 2);
      memory.remember('c', done(3), 3);
      memory.clear();
      expect(memory.size).toBe(0);
      expect(memory.recall('c')).toBeUndefined();
      memory.remember('d', done(4), 4);
      expect([...memory.oldestFirst()].map(([id]) => id)).toEqual(['d']);
    });
  });

  it('refuses a window that is not a positive whole number', () => {
    expect(() => new CommandMemory(0)).toThrow(RangeError);
    expect(() => new CommandMemory(1.5)).toThrow(RangeError);
  });
});
