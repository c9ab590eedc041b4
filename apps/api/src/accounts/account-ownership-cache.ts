import type { ReadModelWatermark } from '../../../../libs/read-models/src/watermark/projection-watermark.js';
import type { LiveEvent, LiveEventSource } from '../streaming/stream-messages.js';

/** Users and accounts remembered per instance; past it the oldest entries go first. */
export const ACCOUNT_CACHE_MAX = 100_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/**
 * What an order needs to know of its account, without a read-model read per order:
 *
 * - the owner of an account: fixed when it is opened (no event moves or deletes an account), so
 *   once read it is true for good; another user's account is refused from the cache exactly as
 *   the read model would refuse it;
 * - a user's first account (the one used when a request names none): it changes when the user
 *   opens an account, so it is forgotten on every AccountOpened of the log (`feed`), and trusted
 *   only while the feed has delivered everything the read models show (`watermark`): a client that
 *   opened an account and was answered (after the read models showed it) never gets the old answer.
 *   A read that overlapped an AccountOpened or a gap in the feed is not remembered.
 *
 * Without a feed, first accounts are not cached at all (every such request reads the read models).
 */
export class AccountOwnershipCache {
  private readonly owners = new Map<number, number>();
  private readonly firstAccounts = new Map<number, number>();
  /** Bumped by every event that may change a first account: a read begun before it is stale. */
  private generation = 0;
  /** Position of the last event the feed delivered. */
  private seenThrough = 0;

  constructor(
    private readonly watermark: ReadModelWatermark,
    private readonly feed: LiveEventSource | null,
    private readonly max = ACCOUNT_CACHE_MAX,
  ) {
    feed?.onEvents((events) => this.onEvents(events));
    feed?.onGap?.(() => this.forgetFirstAccounts());
  }

  /** The user owning `accountId`, when known. */
  ownerOf(accountId: number): number | undefined {
    return this.owners.get(accountId);
  }

  rememberOwner(accountId: number, userId: number): void {
    remember(this.owners, accountId, userId, this.max);
  }

  /** The user's first account, when known and certainly current. */
  firstAccountOf(userId: number): number | undefined {
    if (!this.feed || this.seenThrough < this.watermark.current()) return undefined;
    return this.firstAccounts.get(userId);
  }

  /** Taken before reading a first account from the read models; hand it back to `rememberFirstAccount`. */
  readStarted(): number {
    return this.generation;
  }

  rememberFirstAccount(userId: number, accountId: number, readStarted: number): void {
    this.rememberOwner(accountId, userId);
    if (!this.feed || readStarted !== this.generation) return;
    remember(this.firstAccounts, userId, accountId, this.max);
  }

  private onEvents(events: readonly LiveEvent[]): void {
    for (const event of events) {
      if (event.position > this.seenThrough) this.seenThrough = event.position;
      if (event.type !== 'AccountOpened') continue;
      const { accountId, userId } = event.data as { accountId?: unknown; userId?: unknown };
      this.generation += 1;
      if (typeof userId === 'number') this.firstAccounts.delete(userId);
      else this.firstAccounts.clear();
      if (typeof accountId === 'number' && typeof userId === 'number') this.rememberOwner(accountId, userId);
    }
  }

  /** The feed may have lost events: nothing remembered of first accounts can be trusted. */
  private forgetFirstAccounts(): void {
    this.generation += 1;
    this.firstAccounts.clear();
  }
}
