import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { findInstrument, type PriceBoard, type Quote } from '../../../../libs/domain/src/index.js';
import type { EventStore, Subscription } from '../../../../libs/event-store/src/index.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import type { ReadModelReader } from '../../../../libs/read-models/src/read-model-store.port.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { TradestreamMetrics } from '../metrics/metrics.js';
import type { SessionRevocations } from '../auth/session-revocations.js';
import { EVENTS, PRICES, READ_MODELS, SESSIONS } from '../runtime.tokens.js';
import { openOrderRow } from '../trading/order-rows.js';
import { accountOf, CLOSE, priceMessage, type LiveEvent, type LiveEventSource } from './stream-messages.js';
import { StreamSession, type SessionHost, type StreamAccess, type StreamLimits, type StreamTransport, type SubscribeRequest } from './stream-session.js';

import { LIVE_EVENTS } from '../runtime.tokens.js';

export { LIVE_EVENTS };

export interface StreamOptions extends StreamLimits {
  /** How often changed prices are sent (prices are conflated to the latest per symbol in between). */
  priceIntervalMs: number;
  /** How often account summaries (equity, floating P&L of open positions) are refreshed. */
  summaryIntervalMs: number;
  heartbeatMs: number;
  /** Connections this API instance accepts at once; more are closed with 1013. */
  maxConnections: number;
}

function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name]);
  return env[name] !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function streamOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StreamOptions {
  return {
    maxBufferBytes: envNumber(env, 'STREAM_MAX_BUFFER_BYTES', 1024 * 1024),
    maxPendingEvents: envNumber(env, 'STREAM_MAX_PENDING_EVENTS', 10_000),
    replayPage: 500,
    maxReplayScan: envNumber(env, 'STREAM_MAX_REPLAY_EVENTS', 1_000_000),
    replayStallMs: envNumber(env, 'STREAM_REPLAY_STALL_MS', 30_000),
    priceIntervalMs: envNumber(env, 'STREAM_PRICE_INTERVAL_MS', 100),
    summaryIntervalMs: envNumber(env, 'STREAM_SUMMARY_INTERVAL_MS', 1_000),
    heartbeatMs: envNumber(env, 'STREAM_HEARTBEAT_MS', 15_000),
    maxConnections: envNumber(env, 'STREAM_MAX_CONNECTIONS', 10_000),
  };
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/**
 * Fans the log's live events and the latest prices out to every streaming connection of this API
 * instance. Events are routed by account (never to a session that may not see that account),
 * prices by symbol; summaries (balance, equity, margin, open positions with floating P&L) follow
 * each account event and are refreshed while prices move.
 */
@Injectable()
export class StreamHub implements OnModuleInit, BeforeApplicationShutdown, SessionHost {
  private readonly logger = createLogger('stream');
  readonly options: StreamOptions = streamOptionsFromEnv();
  private readonly sessions = new Set<StreamSession>();
  private readonly byAccount = new Map<number, Set<StreamSession>>();
  private readonly byUser = new Map<number, Set<StreamSession>>();
  private readonly everyAccount = new Set<StreamSession>();
  private readonly sentQuotes = new Map<string, Quote>();
  private readonly dirty = new Set<number>();
  /** Accounts whose last summary had open positions: their equity moves with prices. */
  private readonly withPositions = new Set<number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private subscription?: Subscription;
  private summaries: Promise<void> = Promise.resolve();
  private refreshing = false;
  private lastPosition = 0;
  private nextId = 1;
  private stopped = false;

  constructor(
    @Inject(EVENTS) private readonly events: EventStore,
    @Inject(PRICES) private readonly prices: PriceBoard,
    @Inject(READ_MODELS) private readonly readModels: ReadModelReader,
    private readonly accountsService: AccountsService,
    @Optional() private readonly metrics?: TradestreamMetrics,
    @Optional() @Inject(LIVE_EVENTS) private readonly source?: LiveEventSource | null,
    @Optional() @Inject(SESSIONS) private readonly signOuts?: SessionRevocations | null,
  ) {}

  async onModuleInit(): Promise<void> {
    // A stream lives no longer than its session: signing out (on any instance) closes it.
    if (this.signOuts) this.unsubscribe.push(this.signOuts.onRevoked((sessionId) => this.closeSignedOut(sessionId)));
    if (this.source) {
      this.unsubscribe.push(this.source.onEvents((events) => this.publish(events)));
      if (this.source.onGap) this.unsubscribe.push(this.source.onGap(() => this.resync()));
    } else {
      // No feed from the runtime: follow the log directly from its head.
      const head = await this.events.headPosition();
      this.lastPosition = head;
      this.subscription = this.events.subscribeToAll({ after: head, onEvents: (events) => this.publish(events) });
    }
    const every = (ms: number, run: () => void) => {
      const timer = setInterval(() => {
        try {
          run();
        } catch (error) {
          this.logger.warn({ err: error }, 'stream timer failed');
        }
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.priceIntervalMs, () => this.sendPrices());
    every(this.options.summaryIntervalMs, () => this.refreshSummaries());
    every(this.options.heartbeatMs, () => {
      for (const session of this.sessions) session.heartbeat(this.lastPosition);
    });
  }

  private closeSignedOut(sessionId: string): void {
    for (const session of [...this.sessions]) {
      if (session.closed || session.access?.kind !== 'user' || session.access.sessionId !== sessionId) continue;
      session.sendMessage('error', { type: 'error', error: 'Token revoked: the session was signed out' }, undefined, true);
      session.close(CLOSE.UNAUTHORIZED, 'signed_out');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const off of this.unsubscribe) off();
    await this.subscription?.stop();
    for (const session of [...this.sessions]) session.close(CLOSE.GOING_AWAY, 'shutdown');
    await this.summaries.catch(() => undefined);
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** A new connection; it receives nothing until `subscribe`. */
  open(transport: StreamTransport): StreamSession {
    const session = new StreamSession(this.nextId++, transport, this, this.options);
    if (this.stopped) {
      session.close(CLOSE.GOING_AWAY, 'shutdown');
      return session;
    }
    if (this.sessions.size >= this.options.maxConnections) {
      session.close(CLOSE.TRY_AGAIN_LATER, 'too_many_connections');
      return session;
    }
    this.sessions.add(session);
    this.metrics?.streamConnections.inc({ transport: transport.kind });
    return session;
  }

  /**
   * Checks what the access may see and starts the session. A user naming an account that is not
   * theirs is refused exactly like an account that does not exist (4004).
   */
  async subscribe(session: StreamSession, access: StreamAccess, request: SubscribeRequest): Promise<void> {
    const unknown = request.symbols.filter((s) => !findInstrument(s));
    if (unknown.length > 0) {
      session.sendMessage('error', { type: 'error', error: `unknown symbols: ${unknown.join(', ')}` }, undefined, true);
      session.close(CLOSE.BAD_REQUEST, 'bad_request');
      return;
    }
    let accounts: number[];
    const options: { followUser?: number; allAccounts?: boolean } = {};
    if (access.kind === 'admin') {
      accounts = request.accounts ?? [];
      options.allAccounts = request.accounts === undefined;
    } else if (request.accounts === undefined) {
      accounts = (await this.readModels.accountsOfUser(access.userId)).map((a) => a.accountId);
      options.followUser = access.userId;
    } else {
      accounts = request.accounts;
      for (const accountId of accounts) {
        const account = await this.readModels.account(accountId);
        if (!account || account.userId !== access.userId) {
          session.sendMessage('error', { type: 'error', error: `Account ${accountId} not found` }, undefined, true);
          session.close(CLOSE.NOT_FOUND, 'not_found');
          return;
        }
      }
    }
    if (session.closed) return;
    await session.begin(access, request, accounts, options);
    for (const symbol of session.symbols) this.sendQuote(session, symbol);
  }

  /** Adds or removes price symbols of a running session. */
  changeSymbols(session: StreamSession, add: string[], remove: string[]): boolean {
    const unknown = add.filter((s) => !findInstrument(s));
    if (unknown.length > 0) {
      session.sendMessage('error', { type: 'error', error: `unknown symbols: ${unknown.join(', ')}` });
      return false;
    }
    for (const symbol of remove) {
      session.symbols.delete(symbol);
      session.quotes.delete(symbol);
    }
    for (const symbol of add) session.symbols.add(symbol);
    session.sendMessage('subscribed', { type: 'subscribed', symbols: [...session.symbols] });
    for (const symbol of add) this.sendQuote(session, symbol);
    return true;
  }

  /** Every event of the log, in order, from the runtime's feed (duplicates of a replayed relay are skipped). */
  publish(events: LiveEvent[]): void {
    for (const event of events) {
      if (event.position <= this.lastPosition) continue;
      this.lastPosition = event.position;
      const accountId = accountOf(event.stream);
      if (accountId === undefined) continue;
      const targets = new Set<StreamSession>(this.everyAccount);
      for (const session of this.byAccount.get(accountId) ?? []) targets.add(session);
      if (event.type === 'AccountOpened') for (const session of this.byUser.get(Number(event.data.userId)) ?? []) targets.add(session);
      for (const session of targets) {
        try {
          session.onLive(event);
        } catch (error) {
          this.logger.warn({ err: error, session: session.id }, 'stream session failed; closing it');
          session.close(CLOSE.GOING_AWAY, 'error');
        }
      }
    }
    this.flushSummaries();
  }

  // SessionHost

  readLog(after: number, maxCount: number): Promise<LiveEvent[]> {
    return this.events.readAll({ after, maxCount });
  }

  head(): Promise<number> {
    return this.events.headPosition();
  }

  track(session: StreamSession, accountId: number): void {
    addTo(this.byAccount, accountId, session);
  }

  trackAll(session: StreamSession): void {
    this.everyAccount.add(session);
  }

  trackUser(session: StreamSession, userId: number): void {
    addTo(this.byUser, userId, session);
  }

  forget(session: StreamSession): void {
    if (!this.sessions.delete(session)) return;
    this.metrics?.streamConnections.dec({ transport: session.kind });
    for (const accountId of session.accounts) removeFrom(this.byAccount, accountId, session);
    this.everyAccount.delete(session);
    if (session.access?.kind === 'user') removeFrom(this.byUser, session.access.userId, session);
  }

  sendSummaries(session: StreamSession, accountIds: number[]): void {
    this.summaries = this.summaries.then(async () => {
      for (const accountId of accountIds) {
        const text = await this.summary(accountId);
        if (text) session.sendSummary(accountId, text);
      }
    }).catch((error: unknown) => this.logger.warn({ err: error }, 'account summaries failed'));
  }

  touched(accountId: number): void {
    this.dirty.add(accountId);
  }

  counted(kind: string): void {
    this.metrics?.streamMessages.inc({ kind });
  }

  dropped(reason: string): void {
    this.metrics?.streamDropped.inc({ reason });
    if (reason === 'slow_consumer') this.logger.info('a slow stream consumer was dropped (4008)');
  }

  // internals

  /** The relay may have lost events: every session resumes from the log with its last position. */
  private resync(): void {
    for (const session of [...this.sessions]) if (!session.closed && session.state !== 'new') session.close(CLOSE.RESYNC, 'resync');
  }

  private sendPrices(): void {
    const changed: Quote[] = [];
    for (const quote of this.prices.all()) {
      if (this.sentQuotes.get(quote.symbol) === quote) continue;
      this.sentQuotes.set(quote.symbol, quote);
      changed.push(quote);
    }
    if (changed.length === 0 || this.sessions.size === 0) return;
    for (const quote of changed) {
      const text = JSON.stringify(priceMessage(quote));
      for (const session of this.sessions) {
        if ((session.state !== 'live' && session.state !== 'replaying') || !session.symbols.has(quote.symbol)) continue;
        if (session.quotes.get(quote.symbol) === quote) continue;
        session.quotes.set(quote.symbol, quote);
        session.sendText('price', text);
      }
    }
  }

  /** The current price of a symbol to one session (when it subscribes), unless it has it already. */
  private sendQuote(session: StreamSession, symbol: string): void {
    const quote = this.prices.quote(symbol);
    if (!quote || session.quotes.get(symbol) === quote) return;
    session.quotes.set(symbol, quote);
    session.sendMessage('price', priceMessage(quote));
  }

  private flushSummaries(): void {
    if (this.dirty.size === 0) return;
    const accounts = [...this.dirty];
    this.dirty.clear();
    this.summaries = this.summaries.then(() => this.sendSummariesOf(accounts)).catch((error: unknown) => this.logger.warn({ err: error }, 'account summaries failed'));
  }

  /** Equity and floating P&L move with prices: refresh the accounts with open positions. */
  private refreshSummaries(): void {
    // A refresh still running (slow read models) is not queued behind by another one.
    if (this.refreshing) return;
    const accounts = [...this.byAccount.keys()].filter((id) => this.withPositions.has(id) || this.dirty.has(id));
    this.dirty.clear();
    if (accounts.length === 0) return;
    this.refreshing = true;
    this.summaries = this.summaries
      .then(() => this.sendSummariesOf(accounts))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'account summaries failed'))
      .finally(() => (this.refreshing = false));
  }

  private async sendSummariesOf(accounts: number[]): Promise<void> {
    for (const accountId of accounts) {
      const targets = [...(this.byAccount.get(accountId) ?? []), ...this.everyAccount];
      if (targets.length === 0) continue;
      const text = await this.summary(accountId);
      if (!text) continue;
      for (const session of targets) session.sendSummary(accountId, text);
    }
  }

  /** `{type: "summary", ...account summary, positions: [open positions priced live]}`. */
  private async summary(accountId: number): Promise<string | undefined> {
    const account = await this.readModels.account(accountId);
    if (!account) return undefined;
    const [summary, orders] = await Promise.all([this.accountsService.summary(account), this.readModels.openOrders(accountId)]);
    if (orders.length > 0) this.withPositions.add(accountId);
    else this.withPositions.delete(accountId);
    return JSON.stringify({ type: 'summary', ...summary, positions: orders.map((order) => openOrderRow(order, this.prices)) });
  }
}
