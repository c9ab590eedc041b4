import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';

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

/** A UUID (v4 layout) derived from a stable name, so the same request always yields the same id. */
function nameUuid(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * The id of the next command this request sends. With an Idempotency-Key it is derived from the
 * key, so a retry — even one racing the first attempt, or arriving after a restart — carries the
 * same command id, and the engine (which remembers command ids) applies it once and answers both
 * with the first result.
 */
export function nextCommandId(): string {
  const context = storage.getStore();
  if (!context?.idempotency) return randomUUID();
  context.issued += 1;
  return nameUuid(`${context.idempotency}#${context.issued}`);
}
