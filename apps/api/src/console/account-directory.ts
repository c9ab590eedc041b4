import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '../../../../libs/event-store/src/index.js';
import { EVENTS } from '../runtime.tokens.js';

export interface DirectoryEntry {
  accountId: number;
  userId: number;
  name: string;
  group: string;
  currency: string;
  openedAt: string;
}

const PAGE = 5_000;

/**
 * Every account ever opened, for the admin console: built from the log's `AccountOpened` (and
 * `AccountGroupChanged`) events, read incrementally, so each listing only reads what was
 * appended since the previous one. The read models have no "all accounts" query on purpose
 * (no dialect needs one); this keeps it that way.
 */
@Injectable()
export class AccountDirectory {
  private readonly accounts = new Map<number, DirectoryEntry>();
  private scanned = 0;
  private catchingUp: Promise<void> | null = null;

  constructor(@Inject(EVENTS) private readonly events: EventStore) {}

  /** Newest first. */
  async list(): Promise<DirectoryEntry[]> {
    await this.catchUp();
    return [...this.accounts.values()].sort((a, b) => b.accountId - a.accountId);
  }

  private catchUp(): Promise<void> {
    this.catchingUp ??= this.scan().finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  private async scan(): Promise<void> {
    for (;;) {
      const page = await this.events.readAll({ after: this.scanned, maxCount: PAGE });
      for (const event of page) {
        if (event.type === 'AccountOpened') {
          const data = event.data as { accountId: number; userId: number; name: string; group: string; currency: string; openedAt: string };
          this.accounts.set(data.accountId, { accountId: data.accountId, userId: data.userId, name: data.name, group: data.group, currency: data.currency, openedAt: data.openedAt });
        } else if (event.type === 'AccountGroupChanged') {
          const data = event.data as { accountId: number; group: string };
          const entry = this.accounts.get(data.accountId);
          if (entry) entry.group = data.group;
        }
        this.scanned = event.position;
      }
      if (page.length < PAGE) return;
    }
  }
}
