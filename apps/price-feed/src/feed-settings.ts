import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type PriceFeedKind } from '../../api/src/config/app-config.js';
import { DEFAULT_BINANCE_SYMBOLS, DEFAULT_BINANCE_WS_URL, parseBinanceSymbols, type BinanceSymbolMap } from './binance/binance-messages.js';

/** The recorded file that ships with the repository (`REPLAY_FILE` default). */
export const DEFAULT_REPLAY_FILE = 'apps/price-feed/data/sample-ticks.csv';

/** How replayed ticks are stamped: the file's own times, or the wall clock when each is sent. */
export type ReplayClock = 'now' | 'original';

export interface BinanceSettings {
  url: string;
  symbols: BinanceSymbolMap;
}

export interface RedisFeedSettings {
  url: string;
  stream: string;
}

export interface ReplaySettings {
  file: string;
  /** 1 = real time, 10 = ten times faster, 0 = as fast as the engine takes them. */
  speed: number;
  clock: ReplayClock;
  loop: boolean;
}

export interface FeedSettings {
  binance: BinanceSettings;
  redis: RedisFeedSettings;
  replay: ReplaySettings;
}

/** The default stream an external publisher writes ticks to (`REDIS_FEED_STREAM` overrides it). */
export const externalTickStream = (prefix: string) => `${prefix}feed:ticks`;

/**
 * Where a relative REPLAY_FILE is: the working directory first (`npm start` runs from the
 * repository root), then the repository root as seen from this module (source or dist/).
 */
export function resolveReplayFile(file: string, cwd: string = process.cwd()): string {
  if (isAbsolute(file)) return file;
  const candidates = [
    resolve(cwd, file),
    fileURLToPath(new URL(`../../../${file}`, import.meta.url)),
    fileURLToPath(new URL(`../../../../${file}`, import.meta.url)),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

function replaySpeed(text: string | undefined): number {
  if (text === undefined || text === '') return 1;
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed < 0) {
    throw new ConfigError(`REPLAY_SPEED must be a number ≥ 0 (1 = real time, 0 = as fast as the engine takes them), got ${text}`);
  }
  return speed;
}

function flag(text: string | undefined, name: string): boolean {
  if (text === undefined || text === '') return false;
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(`${name} must be true or false, got ${text}`);
}

/**
 * The settings of the feed PRICE_FEED names, read from the environment; only that feed's
 * variables are checked (a bad BINANCE_SYMBOLS does not stop a replay).
 */
export function loadFeedSettings(kind: PriceFeedKind, env: NodeJS.ProcessEnv, redis: { url: string | null; prefix: string }): FeedSettings {
  const settings: FeedSettings = {
    binance: { url: env.BINANCE_WS_URL || DEFAULT_BINANCE_WS_URL, symbols: new Map() },
    redis: { url: redis.url ?? 'redis://127.0.0.1:6379', stream: env.REDIS_FEED_STREAM || externalTickStream(redis.prefix) },
    replay: { file: '', speed: 1, clock: 'now', loop: false },
  };
  if (kind === 'binance') {
    try {
      settings.binance.symbols = parseBinanceSymbols(env.BINANCE_SYMBOLS || DEFAULT_BINANCE_SYMBOLS);
    } catch (error) {
      throw new ConfigError(`BINANCE_SYMBOLS: ${(error as Error).message}`);
    }
    if (!/^wss?:\/\//.test(settings.binance.url)) throw new ConfigError(`BINANCE_WS_URL must be a ws:// or wss:// URL, got ${settings.binance.url}`);
  }
  if (kind === 'replay') {
    const clock = (env.REPLAY_CLOCK || 'now') as ReplayClock;
    if (clock !== 'now' && clock !== 'original') throw new ConfigError(`REPLAY_CLOCK must be now or original, got ${env.REPLAY_CLOCK}`);
    const file = resolveReplayFile(env.REPLAY_FILE || DEFAULT_REPLAY_FILE);
    if (!existsSync(file)) throw new ConfigError(`REPLAY_FILE ${file} does not exist`);
    const loop = flag(env.REPLAY_LOOP, 'REPLAY_LOOP');
    if (loop && clock === 'original') throw new ConfigError('REPLAY_LOOP needs REPLAY_CLOCK=now (looping the original times would repeat them)');
    settings.replay = { file, speed: replaySpeed(env.REPLAY_SPEED), clock, loop };
  }
  return settings;
}
