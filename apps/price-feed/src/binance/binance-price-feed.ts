import WebSocket from 'ws';
import type { Quote } from '../../../../libs/domain/src/index.js';
import { createLogger, type Logger } from '../../../../libs/platform/src/logger.js';
import { Backoff, type BackoffOptions } from '../backoff.js';
import type { FeedState, FeedStatus, PriceFeed, PublishTick } from '../price-feed.port.js';
import { checkTick, RefusalLog } from '../tick-validation.js';
import { binanceStreamUrl, parseBinanceMessage, type BinanceSymbolMap } from './binance-messages.js';

export interface BinanceFeedOptions {
  /** `BINANCE_WS_URL`: the endpoint (the streams are appended) or a full combined-stream URL. */
  url: string;
  symbols: BinanceSymbolMap;
  backoff?: BackoffOptions;
  /** No frame for this long on an open socket: it is dropped and reopened; default 30 s. */
  silenceMs?: number;
  /** An unchanged quote is re-published after this long (keeps it fresh); default 1 s. */
  repeatMs?: number;
  /** Limit on opening the WebSocket (TCP + TLS + upgrade); default 10 s. */
  handshakeTimeoutMs?: number;
  clock?: () => number;
  logger?: Logger;
}

/**
 * Binance's public book-ticker streams (best bid and ask, pushed on every change) for the mapped
 * crypto instruments, over one combined-stream WebSocket.
 *
 * - Prices: Binance's decimal strings become exact `Fixed` values (`parseFixed`) and are rounded
 *   to the instrument's digits, bid down and ask up: no float ever carries a price.
 * - Time: spot bookTicker has no event time, so a tick is stamped with the local clock when it
 *   arrives (the engine's staleness check uses the same clock).
 * - Updates that only change quantities are not re-published, except once per `repeatMs`, so an
 *   unchanged price stays fresh without flooding the engine.
 * - Connection: reconnects after any close or error with exponential back-off and jitter; a socket
 *   silent for `silenceMs` is dropped and reopened (Binance also closes every connection after 24 h).
 */
export class BinancePriceFeed implements PriceFeed {
  readonly name = 'binance';
  private readonly url: string;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly refusals: RefusalLog;
  private readonly last = new Map<string, { bid: bigint; ask: bigint; at: number }>();
  private publish: PublishTick | null = null;
  private socket: WebSocket | null = null;
  private state: FeedState = 'idle';
  private stopping = false;
  private everConnected = false;
  private lastError: string | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private lastTickAt: number | null = null;
  /** Connections opened (the first one and every reconnection). */
  connections = 0;

  constructor(private readonly options: BinanceFeedOptions) {
    this.url = binanceStreamUrl(options.url, options.symbols);
    this.backoff = new Backoff(options.backoff);
    this.log = options.logger ?? createLogger('binance-feed');
    this.clock = options.clock ?? Date.now;
    this.refusals = new RefusalLog((fields, message) => this.log.warn(fields, `Binance ${message}`));
  }

  /** Starts connecting and returns at once: the service runs (without these prices) while Binance is unreachable. */
  start(publish: PublishTick): void {
    this.publish = publish;
    this.stopping = false;
    this.state = 'reconnecting';
    this.log.info({ url: this.url, symbols: Object.fromEntries([...this.options.symbols].map(([m, s]) => [s, m.toLowerCase()])) }, 'Binance feed connecting');
    this.connect();
  }

  stop(): void {
    this.stopping = true;
    this.state = 'idle';
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.terminate();
  }

  status(): FeedStatus {
    const status: FeedStatus = { feed: this.name, state: this.state, ticks: this.ticks, lastTickAt: this.lastTickAt };
    if (this.state === 'reconnecting' && this.lastError) status.detail = this.lastError;
    return status;
  }

  private connect(): void {
    if (this.stopping) return;
    const socket = new WebSocket(this.url, { handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000 });
    this.socket = socket;
    let opened = false;
    socket.on('open', () => {
      opened = true;
      this.connections += 1;
      this.state = 'connected';
      this.lastError = undefined;
      if (this.backoff.failures > 0 || this.everConnected) this.log.info({ url: this.url, failedAttempts: this.backoff.failures }, 'Binance feed reconnected');
      else this.log.info({ url: this.url }, 'Binance feed connected');
      this.everConnected = true;
      this.backoff.reset();
      this.armSilence(socket);
    });
    socket.on('message', (data, isBinary) => {
      this.armSilence(socket);
      if (!isBinary) this.onFrame(data.toString());
    });
    socket.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(this.silenceTimer);
      if (this.socket !== socket || this.stopping) return;
      this.socket = null;
      this.state = 'reconnecting';
      const delay = this.backoff.next();
      if (!opened) {
        // Every failure of the first five, then one in ten (at most one every few minutes at the ceiling).
        const level = this.backoff.failures <= 5 || this.backoff.failures % 10 === 0 ? 'warn' : 'debug';
        this.log[level](
          { url: this.url, error: this.lastError ?? `closed with code ${code}`, attempt: this.backoff.failures, retryInMs: delay },
          `Binance feed cannot connect to ${this.url} (${this.lastError ?? `code ${code}`}); check that this host reaches ` +
            `${hostOf(this.url)} (firewall, proxy, DNS), BINANCE_WS_URL, and that every market in BINANCE_SYMBOLS exists on Binance; ` +
            `retrying in ${(delay / 1000).toFixed(1)} s`,
        );
      } else {
        this.lastError = `connection closed (code ${code}${reason.length ? `: ${reason.toString()}` : ''})`;
        this.log.warn({ url: this.url, code, reason: reason.toString(), retryInMs: delay }, `Binance feed connection closed; reconnecting in ${(delay / 1000).toFixed(1)} s`);
      }
      this.retryTimer = setTimeout(() => this.connect(), delay);
      this.retryTimer.unref();
    });
  }

  /** A socket that says nothing for too long is half-dead: drop it, the close handler reconnects. */
  private armSilence(socket: WebSocket): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      this.lastError = `no message for ${this.options.silenceMs ?? 30_000} ms`;
      this.log.warn({ url: this.url }, `Binance feed silent for ${this.options.silenceMs ?? 30_000} ms; reconnecting`);
      socket.terminate();
    }, this.options.silenceMs ?? 30_000);
    this.silenceTimer.unref();
  }

  private onFrame(text: string): void {
    const message = parseBinanceMessage(text, this.options.symbols);
    if (message.kind === 'other') return;
    if (message.kind === 'invalid') {
      this.refusals.refused(message.reason);
      return;
    }
    const { ticker } = message;
    const now = this.clock();
    const checked = checkTick({ symbol: ticker.symbol, bid: ticker.bid, ask: ticker.ask, time: now }, this.name, 'round');
    if (!checked.ok) {
      this.refusals.refused(checked.problem, { symbol: ticker.symbol, updateId: ticker.updateId });
      return;
    }
    const tick: Quote = checked.tick;
    const previous = this.last.get(tick.symbol);
    if (previous && previous.bid === tick.bid && previous.ask === tick.ask && now - previous.at < (this.options.repeatMs ?? 1_000)) return;
    this.last.set(tick.symbol, { bid: tick.bid, ask: tick.ask, at: now });
    this.ticks += 1;
    this.lastTickAt = now;
    try {
      const sent = this.publish?.(tick);
      if (sent) sent.catch((error: unknown) => this.log.warn({ err: error, symbol: tick.symbol }, 'Binance tick not taken by the engine'));
    } catch (error) {
      this.log.warn({ err: error, symbol: tick.symbol }, 'Binance tick not taken by the engine');
    }
  }
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  } catch {
    return url;
  }
}
