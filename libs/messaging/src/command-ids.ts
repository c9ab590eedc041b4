import { createHash } from 'node:crypto';
import { timeOrderedUuid } from '../../platform/src/time-ordered-id.js';

/**
 * Command ids come in two kinds, told apart by the UUID version nibble:
 * - random (version 7: time-ordered, so the log's command-id index grows at its right edge): a
 *   command nobody can send again, never seen before;
 * - derived from a name (version 8, "custom"): the same request (an Idempotency-Key, a MetaApi
 *   clientId) always yields the same id, so the engine may see it again at any time, long after
 *   its in-memory dedup window forgot it, and asks its log before deciding it anew.
 */
export function randomCommandId(): string {
  return timeOrderedUuid();
}

/** A UUID (version 8 layout: SHA-256 of the name) derived from a stable name. */
export function derivedCommandId(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Whether the id was derived from a name (and may therefore come again). */
export function isDerivedCommandId(commandId: string): boolean {
  return commandId.length === 36 && commandId.charCodeAt(14) === 56 /* '8' */ && commandId.charCodeAt(8) === 45 /* '-' */;
}
