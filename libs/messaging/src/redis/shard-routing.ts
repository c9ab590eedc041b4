import type { EngineCommand } from '../../../domain/src/index.js';
// Runtime imports from the defining modules, not the barrel: the transport needs none of the deciders.
import { BROADCAST_COMMANDS } from '../../../domain/src/engine/engine.commands.js';
import { normalizeEmail } from '../../../domain/src/engine/engine.state.js';

/** Commands every shard must see (ticks, the clock, group definitions): the client sends them to all. */
export function isBroadcast(command: EngineCommand): boolean {
  return BROADCAST_COMMANDS.has(command.type);
}

/**
 * Default routing, matching the engine's id space (a shard hands out ids ≡ shard mod shards):
 * account commands by accountId, commands on an existing order or position by orderId,
 * OpenAccount by userId, and RegisterUser (and RegisterManager) by a stable hash of the normalised e-mail (the engine's
 * own normalisation), so one address always reaches the one shard that can tell whether it is
 * taken. Broadcast commands (ApplyTick, AdvanceClock, DefineGroup) have no owner: -1.
 */
export function shardFor(command: EngineCommand, shards: number): number {
  if (!Number.isSafeInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`);
  switch (command.type) {
    case 'PlaceOrder':
    case 'PlacePendingOrder':
    case 'ChangeBalance':
    case 'ChangeAccountGroup':
    case 'ClosePositionsBySymbol':
      return modulo(command.accountId, shards, 'accountId');
    case 'ClosePosition':
    case 'ModifyPosition':
    case 'ModifyOrder':
    case 'CancelOrder':
      return modulo(command.orderId, shards, 'orderId');
    case 'OpenAccount':
      return modulo(command.userId, shards, 'userId');
    case 'RegisterUser':
    case 'RegisterManager':
      return fnv1a32(normalizeEmail(command.email)) % shards;
    case 'ApplyTick':
    case 'AdvanceClock':
    case 'DefineGroup':
      return -1;
    default: {
      const unknown: never = command;
      throw new Error(`No shard routing for ${JSON.stringify(unknown)}`);
    }
  }
}

function modulo(id: number, shards: number, name: string): number {
  if (!Number.isSafeInteger(id)) throw new RangeError(`${name} must be an integer to route a command, got ${id}`);
  return ((id % shards) + shards) % shards;
}

/** 32-bit FNV-1a over the UTF-8 bytes: stable across processes, versions and platforms. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
