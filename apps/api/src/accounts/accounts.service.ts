import { Inject, Injectable } from '@nestjs/common';
import {
  accountMetrics,
  findInstrument,
  parseFixed,
  type OpenExposure,
  type PriceBoard,
} from '../../../../libs/domain/src/index.js';
import type { ReadModelReader } from '../../../../libs/read-models/src/read-model-store.port.js';
import type { AccountView, OpenOrderView } from '../../../../libs/read-models/src/views.js';
import type { Principal } from '../auth/principal.js';
import { notFound } from '../common/api-errors.js';
import { moneyNumber } from '../common/render.js';
import { LIVE_EVENTS, PRICES, READ_MODELS, WATERMARK } from '../runtime.tokens.js';
import type { ReadModelWatermark } from '../../../../libs/read-models/src/watermark/projection-watermark.js';
import type { LiveEventSource } from '../streaming/stream-messages.js';
import { AccountOwnershipCache } from './account-ownership-cache.js';

export interface AccountSummary {
  accountId: string;
  login: number;
  name: string;
  group: string;
  currency: string;
  leverage: number;
  balance: number;
  equity: number;
  margin: number;
  freeMargin: number;
  marginLevel: number;
}

/** Ids arrive as numbers or strings of digits; anything else names no account. */
export function parseId(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

export function exposureOf(order: OpenOrderView): OpenExposure {
  return {
    instrument: findInstrument(order.symbol)!,
    side: order.side,
    volume: parseFixed(order.volume),
    openPrice: parseFixed(order.openPrice),
  };
}

@Injectable()
export class AccountsService {
  private readonly ownership: AccountOwnershipCache;

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    @Inject(PRICES) private readonly prices: PriceBoard,
    @Inject(WATERMARK) watermark: ReadModelWatermark,
    @Inject(LIVE_EVENTS) liveEvents: LiveEventSource | null,
  ) {
    this.ownership = new AccountOwnershipCache(watermark, liveEvents);
  }

  /**
   * The id of the caller's account, as `resolve` would name it (same refusals), for a request that
   * needs nothing else of it (an order): answered from what is known of owners and first accounts
   * when possible, which spares every order a read-model read.
   */
  async resolveId(principal: Principal, accountId?: unknown): Promise<number> {
    if (accountId === undefined || accountId === null) {
      const known = this.ownership.firstAccountOf(principal.userId);
      if (known !== undefined) return known;
      const readStarted = this.ownership.readStarted();
      const [first] = await this.readModels.accountsOfUser(principal.userId);
      if (!first) throw notFound('Account');
      this.ownership.rememberFirstAccount(principal.userId, first.accountId, readStarted);
      return first.accountId;
    }
    const id = parseId(accountId);
    if (id === undefined) throw notFound('Account');
    let owner = this.ownership.ownerOf(id);
    if (owner === undefined) {
      owner = (await this.readModels.account(id))?.userId;
      if (owner !== undefined) this.ownership.rememberOwner(id, owner);
    }
    if (owner !== principal.userId) throw notFound('Account');
    return id;
  }

  /**
   * The caller's account: the one named (which must be theirs) or their first. Another user's
   * account answers exactly like one that does not exist.
   */
  async resolve(principal: Principal, accountId?: unknown): Promise<AccountView> {
    if (accountId === undefined || accountId === null) {
      const [first] = await this.readModels.accountsOfUser(principal.userId);
      if (!first) throw notFound('Account');
      return first;
    }
    const id = parseId(accountId);
    const account = id === undefined ? undefined : await this.readModels.account(id);
    if (!account || account.userId !== principal.userId) throw notFound('Account');
    return account;
  }

  async list(principal: Principal): Promise<AccountView[]> {
    return this.readModels.accountsOfUser(principal.userId);
  }

  async summary(account: AccountView): Promise<AccountSummary> {
    const orders = await this.readModels.openOrders(account.accountId);
    const balance = parseFixed(account.balance);
    const margin = parseFixed(account.margin);
    // Without a price for some position, equity falls back to the balance rather than inventing a value.
    const metrics = accountMetrics(balance, margin, orders.map(exposureOf), this.prices);
    const equity = metrics?.equity ?? balance;
    return {
      accountId: String(account.accountId),
      login: account.accountId,
      name: account.name,
      group: account.group,
      currency: account.currency,
      leverage: account.leverage,
      balance: moneyNumber(balance),
      equity: moneyNumber(equity),
      margin: moneyNumber(margin),
      freeMargin: moneyNumber(equity - margin),
      marginLevel: metrics?.marginLevel ? moneyNumber(metrics.marginLevel) : 0,
    };
  }
}
