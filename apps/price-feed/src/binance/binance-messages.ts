import { findInstrument, INSTRUMENTS } from '../../../../libs/domain/src/index.js';

/** Binance's public market-data endpoint (combined streams under `/stream?streams=…`). */
export const DEFAULT_BINANCE_WS_URL = 'wss://stream.binance.com:9443';

/** Our crypto instruments and the Binance spot markets that price them (USDT taken as USD). */
export const DEFAULT_BINANCE_SYMBOLS = 'BTCUSD:btcusdt,ETHUSD:ethusdt,SOLUSD:solusdt';

/** Binance symbol in upper case (as `s` carries it) → our symbol. */
export type BinanceSymbolMap = ReadonlyMap<string, string>;

/**
 * Parses `BINANCE_SYMBOLS`: comma-separated `OURS:binance` pairs, e.g. `BTCUSD:btcusdt,ETHUSD:ethusdt`.
 * Our symbol must be an instrument; the Binance one letters and digits; neither may repeat.
 */
export function parseBinanceSymbols(text: string): BinanceSymbolMap {
  const map = new Map<string, string>();
  const ours = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const match = /^([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(part);
    if (!match) throw new Error(`"${part}" is not SYMBOL:binancesymbol (e.g. BTCUSD:btcusdt)`);
    const symbol = match[1]!.toUpperCase();
    const market = match[2]!.toUpperCase();
    if (!findInstrument(symbol)) throw new Error(`${symbol} is not an instrument (${INSTRUMENTS.map((i) => i.symbol).join(', ')})`);
    if (ours.has(symbol)) throw new Error(`${symbol} is mapped twice`);
    if (map.has(market)) throw new Error(`${market.toLowerCase()} is mapped twice`);
    ours.add(symbol);
    map.set(market, symbol);
  }
  if (map.size === 0) throw new Error('no symbol mapped');
  return map;
}

/**
 * The combined-stream URL: `{base}/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker`. A base
 * that already names its streams (`…streams=…`) is used as it is.
 */
export function binanceStreamUrl(base: string, symbols: BinanceSymbolMap): string {
  if (/[?&]streams=/.test(base)) return base;
  const streams = [...symbols.keys()].map((market) => `${market.toLowerCase()}@bookTicker`).join('/');
  return `${base.replace(/\/+$/, '')}/stream?streams=${streams}`;
}

/** One best bid/ask update, still as Binance's decimal strings. */
export interface BookTicker {
  /** Our symbol. */
  symbol: string;
  /** Binance's order-book update id. */
  updateId: number | null;
  bid: string;
  ask: string;
}

export type BinanceMessage =
  | { kind: 'ticker'; ticker: BookTicker }
  /** Not a price (a subscription answer, another stream's payload): nothing to do. */
  | { kind: 'other' }
  /** A bookTicker we cannot use: the reason, for the log. */
  | { kind: 'invalid'; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads one WebSocket text frame: a combined-stream envelope `{"stream":"btcusdt@bookTicker","data":{…}}`
 * or a raw bookTicker `{"u":…,"s":"BTCUSDT","b":"…","B":"…","a":"…","A":"…"}`. Prices stay strings
 * here: they become exact decimals (never floats) when the tick is checked.
 */
export function parseBinanceMessage(text: string, symbols: BinanceSymbolMap): BinanceMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (!isRecord(value)) return { kind: 'invalid', reason: 'not a JSON object' };
  const data = isRecord(value.data) ? value.data : value;
  if (typeof data.s !== 'string' || !('b' in data) || !('a' in data)) return { kind: 'other' };
  const symbol = symbols.get(data.s.toUpperCase());
  if (!symbol) return { kind: 'invalid', reason: `unmapped market ${data.s}` };
  if (typeof data.b !== 'string' || typeof data.a !== 'string') return { kind: 'invalid', reason: 'bid and ask must be decimal strings' };
  return { kind: 'ticker', ticker: { symbol, updateId: typeof data.u === 'number' ? data.u : null, bid: data.b, ask: data.a } };
}
