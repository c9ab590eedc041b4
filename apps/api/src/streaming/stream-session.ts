import type { Quote } from '../../../../libs/domain/src/index.js';
import { accountOf, CLOSE, eventMessage, type CloseCode, type LiveEvent } from './stream-messages.js';

/** One client connection, whatever carries it (WebSocket or server-sent events). */
export interface StreamTransport {
  readonly kind: 'websocket' | 'sse';
  /** Sends one JSON message; `id` is its resume position when it has one (the SSE `id:` field). */
  send(text: string, id?: number): void;
  /** Bytes accepted by `send` and not yet handed to the network. */
  bufferedBytes(): number;
  close(code: number, reason: string): void;
}

/** Who is subscribed: a user (their own accounts only) or the admin token (any account). */
export type StreamAccess = { kind: 'user'; userId: number; sessionId?: string } | { kind: 'admin' };

export interface SubscribeRequest {
  /** Resume after this log position (exclusive); default: the head of the log when subscribing. */
  from?: number;
  symbols: string[];
  /** Only these accounts; default: all of the user's accounts (and the ones they open later), or every account for the admin. */
  accounts?: number[];
}

export interface StreamLimits {
  /** A connection with more than this many bytes waiting to be sent is dropped (4008). */
  maxBufferBytes: number;
  /** Live events held for a connection still replaying; more than this drops it (4008). */
  maxPendingEvents: number;
  /** Events read from the log per replay page. */
  replayPage: number;
  /** Log events a replay may scan before the resume point counts as too old (4009). */
  maxReplayScan: number;
  /** How long a replay waits for a client to read what was sent before dropping it (4008). */
  replayStallMs: number;
}

/** What a session needs from the hub: the log, routing, summaries and counters. */
export interface SessionHost {
  readLog(after: number, maxCount: number): Promise<LiveEvent[]>;
  head(): Promise<number>;
  /** Starts routing live events of this account (and prices of the session's symbols) to the session. */
  track(session: StreamSession, accountId: number): void;
  /** Routes every account's events (admin without an account filter). */
  trackAll(session: StreamSession): void;
  /** Routes the user's newly opened accounts (`AccountOpened`) to the session. */
  trackUser(session: StreamSession, userId: number): void;
  forget(session: StreamSession): void;
  /** Sends current summaries of the session's accounts (called when it turns live). */
  sendSummaries(session: StreamSession, accountIds: number[]): void;
  /** An account whose summary changed because of an event just sent. */
  touched(accountId: number): void;
  counted(kind: string): void;
  dropped(reason: string): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The resume protocol of one connection. Subscribing registers for live events first, then
 * replays the log after `from`, holding live events meanwhile; once the replay reaches the end of
 * the log, the held events are sent unless already replayed (by position) and the session is live.
 * Every event is sent at most once and in log order; the position of the last one sent (or of a
 * heartbeat) is where a reconnecting client resumes.
 */
export class StreamSession {
  state: 'new' | 'replaying' | 'live' | 'closed' = 'new';
  access?: StreamAccess;
  /** The accounts whose events this session receives (all of them when `allAccounts`). */
  readonly accounts = new Set<number>();
  readonly symbols = new Set<string>();
  /** The last quote sent per symbol (a quote is sent once even if the snapshot and a change meet). */
  readonly quotes = new Map<string, Quote>();
  allAccounts = false;
  /** Position of the last event sent, or of the log head when the subscription started. */
  cursor = 0;
  private followUser?: number;
  private pending: LiveEvent[] = [];
  private readonly lastSummary = new Map<number, string>();
  private expiry?: NodeJS.Timeout;

  constructor(
    readonly id: number,
    private readonly transport: StreamTransport,
    private readonly host: SessionHost,
    private readonly limits: StreamLimits,
  ) {}

  get kind(): StreamTransport['kind'] {
    return this.transport.kind;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Starts the subscription: `accounts` are the accounts this access may see (already checked);
   * `followUser` adds the user's accounts opened later.
   */
  async begin(access: StreamAccess, request: SubscribeRequest, accounts: number[], options: { followUser?: number; allAccounts?: boolean }): Promise<void> {
    if (this.state !== 'new') return;
    this.access = access;
    for (const symbol of request.symbols) this.symbols.add(symbol);
    const head = await this.host.head();
    if (this.closed) return;
    const from = request.from ?? head;
    if (from > head) {
      this.sendMessage('error', { type: 'error', error: `from ${from} is ahead of the log (head ${head}): subscribe again without from` }, undefined, true);
      this.close(CLOSE.BAD_REQUEST, 'bad_request');
      return;
    }
    this.cursor = from;
    this.state = 'replaying';
    for (const accountId of accounts) {
      this.accounts.add(accountId);
      this.host.track(this, accountId);
    }
    if (options.allAccounts) {
      this.allAccounts = true;
      this.host.trackAll(this);
    }
    if (options.followUser !== undefined) {
      this.followUser = options.followUser;
      this.host.trackUser(this, options.followUser);
    }
    this.sendMessage(
      'welcome',
      {
        type: 'welcome',
        access: access.kind,
        ...(access.kind === 'user' ? { userId: String(access.userId) } : {}),
        accounts: this.allAccounts ? 'all' : [...this.accounts].map(String),
        symbols: [...this.symbols],
        from,
        head,
      },
      undefined,
      true,
    );
    await this.replay();
    if (this.state !== 'replaying') return;
    const held = this.pending;
    this.pending = [];
    for (const event of held) this.offer(event, true);
    if (this.closed) return;
    this.state = 'live';
    this.sendMessage('live', { type: 'live', position: this.cursor }, this.cursor, true);
    this.host.sendSummaries(this, [...this.accounts]);
  }

  /** A live event the hub routed here (it may concern another account of a broad route). */
  onLive(event: LiveEvent): void {
    if (this.state === 'replaying') {
      this.pending.push(event);
      if (this.pending.length > this.limits.maxPendingEvents) this.close(CLOSE.SLOW_CONSUMER, 'slow_consumer');
      return;
    }
    if (this.state === 'live') this.offer(event, false);
  }

  /** A message that is not part of the event sequence (price, summary, heartbeat). */
  sendMessage(kind: string, message: object, id?: number, force = false): boolean {
    return this.sendText(kind, JSON.stringify(message), id, force);
  }

  /** Like sendMessage with the JSON already rendered (a price sent to many sessions). */
  sendText(kind: string, text: string, id?: number, force = false): boolean {
    if (this.closed) return false;
    if (!force && this.transport.bufferedBytes() > this.limits.maxBufferBytes) {
      this.close(CLOSE.SLOW_CONSUMER, 'slow_consumer');
      return false;
    }
    try {
      this.transport.send(text, id);
    } catch {
      this.close(CLOSE.GOING_AWAY, 'send_failed');
      return false;
    }
    this.host.counted(kind);
    return true;
  }

  /** Sends an account summary unless it is the same as the last one sent for that account. */
  sendSummary(accountId: number, text: string): void {
    if (this.state !== 'live' || this.lastSummary.get(accountId) === text) return;
    if (this.sendText('summary', text)) this.lastSummary.set(accountId, text);
  }

  /** The position a client may resume from right now (heartbeats carry it), while live. */
  heartbeat(hubPosition: number): void {
    if (this.state !== 'live') return;
    const position = Math.max(this.cursor, hubPosition);
    this.sendMessage('heartbeat', { type: 'heartbeat', position, time: new Date().toISOString() }, position);
  }

  /** Closes the session with 4001 when its credentials expire (a JWT's `exp`). */
  expireAt(epochMs: number): void {
    clearTimeout(this.expiry);
    // setTimeout holds at most about 24.8 days; tokens live a day.
    const delay = Math.min(Math.max(0, epochMs - Date.now()), 2 ** 31 - 1);
    this.expiry = setTimeout(() => {
      this.sendMessage('error', { type: 'error', error: 'Token expired: sign in again and resume with your last position' }, undefined, true);
      this.close(CLOSE.UNAUTHORIZED, 'token_expired');
    }, delay);
    this.expiry.unref();
  }

  close(close: CloseCode, reason: string): void {
    if (this.closed) return;
    this.state = 'closed';
    clearTimeout(this.expiry);
    this.pending = [];
    this.host.forget(this);
    this.host.dropped(reason);
    try {
      this.transport.close(close.code, close.reason);
    } catch {
      // already gone
    }
  }

  /** The client went away: no close frame to send. */
  detach(): void {
    if (this.closed) return;
    this.state = 'closed';
    clearTimeout(this.expiry);
    this.pending = [];
    this.host.forget(this);
  }

  private async replay(): Promise<void> {
    let scanned = 0;
    for (;;) {
      if (!(await this.drained())) return;
      const page = await this.host.readLog(this.cursor, this.limits.replayPage);
      if (this.state !== 'replaying') return;
      for (const event of page) {
        if (this.accepts(event)) this.send(event, true);
        if (this.closed) return;
        this.cursor = Math.max(this.cursor, event.position);
      }
      scanned += page.length;
      if (page.length < this.limits.replayPage) return;
      if (scanned >= this.limits.maxReplayScan) {
        this.sendMessage('error', { type: 'error', error: `more than ${this.limits.maxReplayScan} events to replay: subscribe without from and reload the state over HTTP` }, undefined, true);
        this.close(CLOSE.RESUME_TOO_OLD, 'resume_too_old');
        return;
      }
    }
  }

  /** Waits until the client read most of what was sent; false when it stalls (then it is dropped). */
  private async drained(): Promise<boolean> {
    const deadline = Date.now() + this.limits.replayStallMs;
    while (this.transport.bufferedBytes() > this.limits.maxBufferBytes / 2) {
      if (this.closed) return false;
      if (Date.now() > deadline) {
        this.close(CLOSE.SLOW_CONSUMER, 'slow_consumer');
        return false;
      }
      await sleep(10);
    }
    return !this.closed;
  }

  private offer(event: LiveEvent, force: boolean): void {
    if (event.position <= this.cursor || !this.accepts(event)) return;
    this.send(event, force);
  }

  private send(event: LiveEvent, force: boolean): void {
    const accountId = accountOf(event.stream)!;
    this.cursor = event.position;
    if (this.sendMessage('event', eventMessage(event, accountId), event.position, force) && this.state === 'live') this.host.touched(accountId);
  }

  private accepts(event: LiveEvent): boolean {
    const accountId = accountOf(event.stream);
    if (accountId === undefined) return false;
    if (this.allAccounts || this.accounts.has(accountId)) return true;
    if (this.followUser !== undefined && event.type === 'AccountOpened' && Number(event.data.userId) === this.followUser) {
      this.accounts.add(accountId);
      this.host.track(this, accountId);
      return true;
    }
    return false;
  }
}
