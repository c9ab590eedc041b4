import type { EngineCommand, EngineCommandType, Outcome } from '../../../domain/src/index.js';
import { fixedToString, parseFixed } from '../../../domain/src/money/fixed.js';
import type { EngineReply } from '../engine-transport.port.js';

/**
 * Wire format of the Redis Streams transport: flat string fields, JSON bodies.
 *
 * Command entry: `command` (JSON), `correlationId`, and for requests that await an answer
 * `replyTo` (the API instance's reply stream) and `deadline` (epoch ms after which nobody waits).
 * Reply entry: `reply` (JSON of EngineReply) and `shard` (which engine shard answered).
 *
 * Commands are plain JSON except `ApplyTick.tick.bid/ask`, which are `Fixed` bigints: they travel
 * as exact decimal strings ("1.08123") and are parsed back with `parseFixed`, so nothing passes
 * through a binary float.
 */
export const FIELD = {
  command: 'command',
  correlationId: 'correlationId',
  replyTo: 'replyTo',
  deadline: 'deadline',
  reply: 'reply',
  shard: 'shard',
} as const;

export class MalformedEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEntryError';
  }
}

/** Every command type, checked by the compiler against the domain's union (a new type must be added here). */
const KNOWN_TYPES = {
  RegisterUser: true,
  RegisterManager: true,
  OpenAccount: true,
  PlaceOrder: true,
  PlacePendingOrder: true,
  ModifyOrder: true,
  CancelOrder: true,
  ModifyPosition: true,
  ClosePosition: true,
  ClosePositionsBySymbol: true,
  ChangeBalance: true,
  DefineGroup: true,
  ChangeAccountGroup: true,
  ApplyTick: true,
  AdvanceClock: true,
} as const satisfies Record<EngineCommandType, true>;
const COMMAND_TYPES: ReadonlySet<string> = new Set(Object.keys(KNOWN_TYPES));

export function encodeCommand(command: EngineCommand): string {
  if (command.type === 'ApplyTick') {
    const { tick } = command;
    return JSON.stringify({ ...command, tick: { ...tick, bid: fixedToString(tick.bid), ask: fixedToString(tick.ask) } });
  }
  try {
    return JSON.stringify(command);
  } catch (error) {
    // A bigint anywhere else means a command type grew a Fixed field the codec does not know yet.
    throw new TypeError(`Cannot encode ${command.type} ${command.commandId} for the Redis transport: ${(error as Error).message}`);
  }
}

export function decodeCommand(text: string): EngineCommand {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedEntryError('command is not JSON');
  }
  if (!isRecord(value)) throw new MalformedEntryError('command is not an object');
  if (typeof value.type !== 'string' || !COMMAND_TYPES.has(value.type)) {
    throw new MalformedEntryError(`unknown command type ${JSON.stringify(value.type)}`);
  }
  if (typeof value.commandId !== 'string' || value.commandId === '') throw new MalformedEntryError('command has no commandId');
  if (value.type !== 'ApplyTick') return value as unknown as EngineCommand;

  const tick = value.tick;
  if (!isRecord(tick) || typeof tick.symbol !== 'string' || typeof tick.time !== 'number') {
    throw new MalformedEntryError('ApplyTick has no valid tick');
  }
  if (typeof tick.bid !== 'string' || typeof tick.ask !== 'string') throw new MalformedEntryError('tick prices must be decimal strings');
  // The feed's name (simulated, binance, …) rides along as a string so fill events can record it.
  if (tick.feed !== undefined && typeof tick.feed !== 'string') throw new MalformedEntryError('tick feed must be a string');
  try {
    return { type: 'ApplyTick', commandId: value.commandId, tick: { ...tick, symbol: tick.symbol, time: tick.time, bid: parseFixed(tick.bid), ask: parseFixed(tick.ask) } };
  } catch (error) {
    throw new MalformedEntryError(`tick prices are not decimals: ${(error as Error).message}`);
  }
}

/** Best effort: the commandId of an entry whose command could not be decoded, to answer it anyway. */
export function commandIdOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) && typeof value.commandId === 'string' && value.commandId !== '' ? value.commandId : undefined;
  } catch {
    return undefined;
  }
}

export function encodeReply(reply: EngineReply): string {
  return JSON.stringify(reply);
}

export function decodeReply(text: string): EngineReply {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedEntryError('reply is not JSON');
  }
  if (!isRecord(value) || typeof value.commandId !== 'string' || typeof value.position !== 'number' || !isRecord(value.outcome)) {
    throw new MalformedEntryError('reply lacks commandId, position or outcome');
  }
  return { commandId: value.commandId, outcome: value.outcome as unknown as Outcome, position: value.position };
}

/** `[k1, v1, k2, v2, …]` as a lookup; the first occurrence of a field wins. */
export function fieldMap(fields: readonly string[] | null | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!fields) return map;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (!map.has(fields[i]!)) map.set(fields[i]!, fields[i + 1]!);
  }
  return map;
}

/** Orders stream entry ids ("ms-seq") numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = splitId(a);
  const [bm, bs] = splitId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** The smallest id greater than `id`. */
export function nextStreamId(id: string): string {
  const [ms, seq] = splitId(id);
  return seq === MAX_SEQ ? `${ms + 1n}-0` : `${ms}-${seq + 1n}`;
}

const MAX_SEQ = 2n ** 64n - 1n;

function splitId(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
