import { parseFixed, quoteUsed, type EngineCommand } from '../../../libs/domain/src/index.js';
import { decodeCommand, encodeCommand, MalformedEntryError } from '../../../libs/messaging/src/index.js';

const tick = { symbol: 'BTCUSD', bid: parseFixed('65010.5'), ask: parseFixed('65025.5'), time: Date.parse('2026-03-02T10:00:05.120Z') };

describe('a tick stamped with its feed', () => {
  it('crosses the Redis tick codec with its feed and exact prices', () => {
    const command: EngineCommand = { type: 'ApplyTick', commandId: 't-1', tick: { ...tick, feed: 'binance' } };
    expect(decodeCommand(encodeCommand(command))).toEqual(command);
  });

  it('is recorded in the quote a fill, trigger or rejection event keeps', () => {
    expect(quoteUsed({ ...tick, feed: 'replay' })).toEqual({ bid: '65010.5', ask: '65025.5', time: '2026-03-02T10:00:05.120Z', feed: 'replay' });
  });
});

describe('a tick without a feed', () => {
  it('keeps the quote without a feed field (events written before feeds were named)', () => {
    expect(quoteUsed(tick)).toEqual({ bid: '65010.5', ask: '65025.5', time: '2026-03-02T10:00:05.120Z' });
    expect(Object.keys(quoteUsed(tick))).not.toContain('feed');
  });
});

describe('a tick entry whose feed is not a string', () => {
  it('is refused by the codec', () => {
    const text = JSON.stringify({ type: 'ApplyTick', commandId: 't-2', tick: { symbol: 'BTCUSD', bid: '1', ask: '2', time: 1, feed: 42 } });
    expect(() => decodeCommand(text)).toThrow(MalformedEntryError);
  });
});
