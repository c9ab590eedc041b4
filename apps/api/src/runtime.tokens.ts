import type { PriceBoard } from '../../../libs/domain/src/index.js';
import type { EngineClient } from '../../../libs/messaging/src/index.js';
import type { ReadModelReader } from '../../../libs/read-models/src/read-model-store.port.js';
import type { ReadModelWatermark } from '../../../libs/read-models/src/watermark/projection-watermark.js';
import type { AppConfig } from './config/app-config.js';
import type { HealthProbe } from './health/health.port.js';

/** The adapters an API process runs on, chosen by the deployment (embedded or distributed). */
export interface ApiRuntime {
  config: AppConfig;
  engine: EngineClient;
  readModels: ReadModelReader;
  watermark: ReadModelWatermark;
  prices: PriceBoard;
  health: HealthProbe;
}

export const API_RUNTIME = Symbol('API_RUNTIME');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const ENGINE = Symbol('ENGINE');
export const READ_MODELS = Symbol('READ_MODELS');
export const WATERMARK = Symbol('WATERMARK');
export const PRICES = Symbol('PRICES');
export const HEALTH = Symbol('HEALTH');
