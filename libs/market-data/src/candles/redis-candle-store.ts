import { Redis } from 'ioredis';
import type { Candle } from './candle.js';
import type { CandleQuery, CandleStore } from './candle-store.port.js';

/**
 * Merges partial candles into one series atomically. Prices travel and are stored as the decimal
 * digits of the scaled integer (`Fixed`, 1e8): comparing two such non-negative integer strings by
 * length, then character by character, is exact, so no price ever passes through a Lua number.
 * Times (epoch ms) and tick counts are integers far below 2^53, exact as Lua numbers.
 *
 * KEYS[1] the series hash (bar start → JSON), KEYS[2] its index (sorted set of bar starts).
 * ARGV: groups of 9: start, open, high, low, close, ticks, openTime, closeTime, minSpread.
 */
const MERGE_SCRIPT = `
local function less(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end
for i = 1, #ARGV, 9 do
  local start = ARGV[i]
  local bar = { o = ARGV[i + 1], h = ARGV[i + 2], l = ARGV[i + 3], c = ARGV[i + 4], n = ARGV[i + 5], ot = ARGV[i + 6], ct = ARGV[i + 7], s = ARGV[i + 8] }
  local raw = redis.call('HGET', KEYS[1], start)
  if raw then
    local known = cjson.decode(raw)
    if tonumber(bar.ot) < tonumber(known.ot) then known.o = bar.o; known.ot = bar.ot end
    if tonumber(bar.ct) >= tonumber(known.ct) then known.c = bar.c; known.ct = bar.ct end
    if less(known.h, bar.h) then known.h = bar.h end
    if less(bar.l, known.l) then known.l = bar.l end
    if less(bar.s, known.s) then known.s = bar.s end
    known.n = string.format('%d', tonumber(known.n) + tonumber(bar.n))
    bar = known
  else
    redis.call('ZADD', KEYS[2], start, start)
  end
  redis.call('HSET', KEYS[1], start, cjson.encode(bar))
end
return #ARGV / 9
`;

interface StoredBar {
  o: string;
  h: string;
  l: string;
  c: string;
  n: string;
  ot: string;
  ct: string;
  s: string;
}

type MergingRedis = Redis & { mergeCandles(hash: string, index: string, ...args: string[]): Promise<number> };

/**
 * Candles of the distributed deployment, in Redis: per symbol and interval a hash of bars and a
 * sorted set of their starts (`{prefix}candles:{symbol}:{interval}` and `…:starts`).
 */
export class RedisCandleStore implements CandleStore {
  private readonly redis: MergingRedis;
  private readonly owned: boolean;

  constructor(
    connection: Redis | string,
    private readonly prefix: string,
  ) {
    if (!prefix) throw new Error('RedisCandleStore needs a non-empty key prefix');
    this.owned = typeof connection === 'string';
    const redis = typeof connection === 'string' ? new Redis(connection, { maxRetriesPerRequest: 3 }) : connection;
    if (!('mergeCandles' in redis)) redis.defineCommand('mergeCandles', { numberOfKeys: 2, lua: MERGE_SCRIPT });
    this.redis = redis as MergingRedis;
  }

  seriesKey(symbol: string, interval: string): string {
    return `${this.prefix}candles:${symbol}:${interval}`;
  }

  async merge(partials: readonly Candle[]): Promise<void> {
    const bySeries = new Map<string, string[]>();
    for (const c of partials) {
      const key = this.seriesKey(c.symbol, c.interval);
      const args = [String(c.start), c.open.toString(), c.high.toString(), c.low.toString(), c.close.toString(), String(c.ticks), String(c.openTime), String(c.closeTime), c.minSpread.toString()];
      const list = bySeries.get(key);
      if (list) list.push(...args);
      else bySeries.set(key, args);
    }
    if (bySeries.size === 0) return;
    const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & { mergeCandles(hash: string, index: string, ...args: string[]): unknown };
    for (const [key, args] of bySeries) pipeline.mergeCandles(key, `${key}:starts`, ...args);
    const results = await pipeline.exec();
    for (const [error] of results ?? []) if (error) throw error;
  }

  async candles(query: CandleQuery): Promise<Candle[]> {
    const key = this.seriesKey(query.symbol, query.interval);
    const starts =
      query.keep === 'oldest'
        ? await this.redis.zrangebyscore(`${key}:starts`, query.from, query.to, 'LIMIT', 0, query.limit)
        : (await this.redis.zrevrangebyscore(`${key}:starts`, query.to, query.from, 'LIMIT', 0, query.limit)).reverse();
    if (starts.length === 0) return [];
    const raws = await this.redis.hmget(key, ...starts);
    const candles: Candle[] = [];
    starts.forEach((start, i) => {
      const raw = raws[i];
      if (!raw) return;
      const bar = JSON.parse(raw) as StoredBar;
      candles.push({
        symbol: query.symbol,
        interval: query.interval,
        start: Number(start),
        open: BigInt(bar.o),
        high: BigInt(bar.h),
        low: BigInt(bar.l),
        close: BigInt(bar.c),
        ticks: Number(bar.n),
        openTime: Number(bar.ot),
        closeTime: Number(bar.ct),
        minSpread: BigInt(bar.s),
      });
    });
    return candles;
  }

  async close(): Promise<void> {
    if (this.owned && this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
