import { existsSync } from 'node:fs';
import { ConfigError } from '../../api/src/config/app-config.js';
import { loadFeedSettings } from './feed-settings.js';

const redis = { url: null, prefix: 'ts:' };

describe('replay settings from an empty environment', () => {
  it('replay the shipped file in real time, stamped now, once', () => {
    const { replay } = loadFeedSettings('replay', {}, redis);
    expect(replay).toEqual({ file: expect.stringMatching(/apps\/price-feed\/data\/sample-ticks\.csv$/), speed: 1, clock: 'now', loop: false });
    expect(existsSync(replay.file)).toBe(true);
  });
});

describe('feed settings that cannot work', () => {
  it.each([
    ['replay', { REPLAY_SPEED: '-1' }, /REPLAY_SPEED must be a number ≥ 0/],
    ['replay', { REPLAY_SPEED: 'fast' }, /REPLAY_SPEED must be a number ≥ 0/],
    ['replay', { REPLAY_CLOCK: 'later' }, /REPLAY_CLOCK must be now or original/],
    ['replay', { REPLAY_FILE: '/nowhere/ticks.csv' }, /REPLAY_FILE \/nowhere\/ticks.csv does not exist/],
    ['replay', { REPLAY_LOOP: 'true', REPLAY_CLOCK: 'original' }, /REPLAY_LOOP needs REPLAY_CLOCK=now/],
    ['replay', { REPLAY_LOOP: 'maybe' }, /REPLAY_LOOP must be true or false/],
    ['binance', { BINANCE_SYMBOLS: 'BTCUSD' }, /BINANCE_SYMBOLS: "BTCUSD" is not SYMBOL:binancesymbol/],
    ['binance', { BINANCE_WS_URL: 'https://stream.binance.com' }, /BINANCE_WS_URL must be a ws:\/\/ or wss:\/\/ URL/],
  ] as const)('PRICE_FEED=%s with %j stops the start with a ConfigError', (kind, env, message) => {
    expect(() => loadFeedSettings(kind, env, redis)).toThrow(ConfigError);
    expect(() => loadFeedSettings(kind, env, redis)).toThrow(message);
  });

  it('of another feed are not checked', () => {
    expect(() => loadFeedSettings('simulated', { BINANCE_SYMBOLS: 'nonsense', REPLAY_SPEED: '-1' }, redis)).not.toThrow();
  });
});

describe('redis feed settings', () => {
  it('default to the prefixed stream and the local Redis', () => {
    expect(loadFeedSettings('redis', {}, { url: null, prefix: 'ts:' }).redis).toEqual({ url: 'redis://127.0.0.1:6379', stream: 'ts:feed:ticks' });
    expect(loadFeedSettings('redis', { REDIS_FEED_STREAM: 'prices' }, { url: 'redis://r:6379', prefix: 'x:' }).redis).toEqual({ url: 'redis://r:6379', stream: 'prices' });
  });
});
