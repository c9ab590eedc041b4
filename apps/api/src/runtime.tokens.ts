import type { PriceBoard } from '../../../libs/domain/src/index.js';
import type { EventStore } from '../../../libs/event-store/src/index.js';
import type { EngineClient } from '../../../libs/messaging/src/index.js';
import type { ReadModelReader } from '../../../libs/read-models/src/read-model-store.port.js';
import type { ReadModelWatermark } from '../../../libs/read-models/src/watermark/projection-watermark.js';
import type { AppConfig } from './config/app-config.js';
import type { HealthProbe } from './health/health.port.js';
import type { IdempotencyStore } from './idempotency/idempotency.store.js';

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
  /** The event log, read by the audit endpoints (history and point-in-time state). */
  events: EventStore;
}

export const API_RUNTIME = Symbol('API_RUNTIME');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const ENGINE = Symbol('ENGINE');
export const READ_MODELS = Symbol('READ_MODELS');
export const WATERMARK = Symbol('WATERMARK');
export const PRICES = Symbol('PRICES');
export const HEALTH = Symbol('HEALTH');
export const EVENTS = Symbol('EVENTS');
export const IDEMPOTENCY = Symbol('IDEMPOTENCY');
