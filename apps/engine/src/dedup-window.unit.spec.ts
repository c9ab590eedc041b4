import { ConfigError } from '../../api/src/config/app-config.js';
import { DEFAULT_DEDUP_WINDOW } from './command-memory.js';
import { dedupWindowFromEnv } from './dedup-window.js';

describe('the ENGINE_DEDUP_WINDOW setting', () => {
  describe('when unset or blank', () => {
    it('is the default window', () => {
      expect(dedupWindowFromEnv({})).toBe(DEFAULT_DEDUP_WINDOW);
      expect(dedupWindowFromEnv({ ENGINE_DEDUP_WINDOW: ' ' })).toBe(DEFAULT_DEDUP_WINDOW);
    });
  });

  describe('when a whole number of commands', () => {
    it('is that many commands', () => {
      expect(dedupWindowFromEnv({ ENGINE_DEDUP_WINDOW: '250000' })).toBe(250_000);
    });
  });

  describe('when zero, fractional, too large or not a number', () => {
    it('is a configuration error naming the variable', () => {
      for (const text of ['0', '1.5', '20000000', 'many']) {
        expect(() => dedupWindowFromEnv({ ENGINE_DEDUP_WINDOW: text })).toThrow(ConfigError);
        expect(() => dedupWindowFromEnv({ ENGINE_DEDUP_WINDOW: text })).toThrow(/ENGINE_DEDUP_WINDOW/);
      }
    });
  });
});
