import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { derivedCommandId, randomCommandId } from '../../../../libs/messaging/src/command-ids.js';

interface RequestContext {
  /** `scope:key` of the request's Idempotency-Key, when it has one. */
  idempotency?: string;
  /** How many command ids this request has asked for (a request may send several commands). */
  issued: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithIdempotency<T>(idempotency: string | undefined, work: () => T): T {
  return storage.run({ idempotency, issued: 0 }, work);
}

/** Whether the current request already has an idempotency key (an `Idempotency-Key` header). */
export function hasIdempotencyKey(): boolean {
  return storage.getStore()?.idempotency !== undefined;
}

/**
 * The key of an id a client put in the request itself (MetaApi's `clientId`), scoped like a header
 * key: to the user, and to whatever else must not collide (account, action).
 */
export function clientKey(...parts: (string | number)[]): string {
  return createHash('sha256').update(`client\n${parts.join('\n')}`).digest('base64url');
}

/**
 * The id of the next command this request sends. With an Idempotency-Key it is derived from the
 * key, so a retry — even one racing the first attempt, or arriving after a restart — carries the
 * same command id, and the engine (which remembers command ids, and asks its log for derived ones
 * it no longer remembers) applies it once and answers both with the first result.
 */
export function nextCommandId(): string {
  const context = storage.getStore();
  if (!context?.idempotency) return randomCommandId();
  context.issued += 1;
  return derivedCommandId(`${context.idempotency}#${context.issued}`);
}
