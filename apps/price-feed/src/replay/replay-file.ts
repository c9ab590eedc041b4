import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One line of a replay file, before its prices are checked against the instrument. */
export interface RecordedTick {
  /** Epoch ms as recorded. */
  time: number;
  symbol: string;
  bid: unknown;
  ask: unknown;
  /** 1-based line number, for messages. */
  line: number;
}

export type ReplayLine = { kind: 'tick'; tick: RecordedTick } | { kind: 'skip' } | { kind: 'invalid'; line: number; reason: string };

export type ReplayFormat = 'csv' | 'jsonl';

/** `.jsonl` / `.ndjson` / `.json` are JSON lines; anything else is CSV. */
export function formatOf(file: string): ReplayFormat {
  return /\.(jsonl|ndjson|json)$/i.test(file) ? 'jsonl' : 'csv';
}

/** Epoch ms from a number of milliseconds or an ISO-8601 time with a zone (`2026-03-02T10:00:00.250Z`). */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{1,15}$/.test(text)) return parseTime(Number(text));
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/**
 * Parses one line. CSV: `time,symbol,bid,ask` (a header line with those names is optional, `#`
 * starts a comment); JSON lines: `{"time":…,"symbol":"…","bid":"…","ask":"…"}`. Prices stay as
 * written (strings or JSON numbers) until they are checked as exact decimals.
 */
export function parseReplayLine(text: string, line: number, format: ReplayFormat): ReplayLine {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { kind: 'skip' };
  let time: unknown;
  let symbol: unknown;
  let bid: unknown;
  let ask: unknown;
  if (format === 'jsonl') {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { kind: 'invalid', line, reason: 'not JSON' };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'invalid', line, reason: 'not a JSON object' };
    ({ time, symbol, bid, ask } = value as Record<string, unknown>);
  } else {
    const cells = trimmed.split(',').map((c) => c.trim());
    if (cells.length !== 4) return { kind: 'invalid', line, reason: `expected 4 columns time,symbol,bid,ask, got ${cells.length}` };
    if (cells[0]!.toLowerCase() === 'time' && cells[1]!.toLowerCase() === 'symbol') return { kind: 'skip' };
    [time, symbol, bid, ask] = cells;
  }
  const ms = parseTime(time);
  if (ms === undefined) return { kind: 'invalid', line, reason: `time ${JSON.stringify(time)} is neither epoch ms nor ISO-8601 with a zone` };
  if (typeof symbol !== 'string' || symbol === '') return { kind: 'invalid', line, reason: 'no symbol' };
  return { kind: 'tick', tick: { time: ms, symbol, bid, ask, line } };
}

/** The file's lines, read as a stream (a recorded session can be large). */
export async function* readReplayFile(file: string): AsyncGenerator<ReplayLine> {
  const format = formatOf(file);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      yield parseReplayLine(text, line, format);
    }
  } finally {
    lines.close();
  }
}
