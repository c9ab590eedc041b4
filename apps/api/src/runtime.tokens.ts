import type { PriceBoard } from '../../../libs/domain/src/index.js';
import type { EventStore } from '../../../libs/event-store/src/index.js';
import type { CandleReader } from '../../../libs/market-data/src/candles/candle-store.port.js';
import type { EngineClient } from '../../../libs/messaging/src/index.js';
import type { ReadModelReader } from '../../../libs/read-models/src/read-model-store.port.js';
import type { ReadModelWatermark } from '../../../libs/read-models/src/watermark/projection-watermark.js';
import type { SessionRevocations } from './auth/session-revocations.js';
import type { AppConfig } from './config/app-config.js';
import type { HealthProbe } from './health/health.port.js';
import type { IdempotencyStore } from './idempotency/idempotency.store.js';
import type { TradestreamMetrics } from './metrics/metrics.js';
import type { LiveEventSource } from './streaming/stream-messages.js';

/** The adapters an API process runs on, chosen by the deployment (embedded or distributed). */
export interface ApiRuntime {
  config: AppConfig;
  engine: EngineClient;
  readModels: ReadModelReader;
  watermark: ReadModelWatermark;
  prices: PriceBoard;
  health: HealthProbe;
  /** Idempotency-Key records (first request and response per key). */
  idempotency: IdempotencyStore;
  /** Signed-out sessions (embedded: SQLite in DATA_DIR; distributed: Redis keys expiring with the tokens). */
  sessions: SessionRevocations;
  /** The event log, read by the audit endpoints (history and point-in-time state). */
  events: EventStore;
  /** Prometheus metrics of this process; the runtime fills in what it can measure (a fresh registry when absent). */
  metrics?: TradestreamMetrics;
  /** Every event of the log as it is projected, for the streaming endpoints (absent: the stream hub follows the log itself). */
  liveEvents?: LiveEventSource;
  /** The candle read model (bars built from ticks); absent: the candle endpoints answer 503. */
  candles?: CandleReader;
}

export const API_RUNTIME = Symbol('API_RUNTIME');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const ENGINE = Symbol('ENGINE');
export const READ_MODELS = Symbol('READ_MODELS');
export const WATERMARK = Symbol('WATERMARK');
export const PRICES = Symbol('PRICES');
export const HEALTH = Symbol('HEALTH');
export const EVENTS = Symbol('EVENTS');
export const CANDLES = Symbol('CANDLES');
export const IDEMPOTENCY = Symbol('IDEMPOTENCY');
export const SESSIONS = Symbol('SESSIONS');
/** The runtime's live feed of log events (absent: the stream hub follows the log itself). */
export const LIVE_EVENTS = Symbol('LIVE_EVENTS');
