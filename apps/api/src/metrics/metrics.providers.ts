import type { Provider, Type } from '@nestjs/common';
import type { ApiRuntime } from '../runtime.tokens.js';
import { MetricsController } from './metrics.controller.js';
import { TradestreamMetrics } from './metrics.js';

export const METRICS_CONTROLLERS: Type<unknown>[] = [MetricsController];

/** The runtime's registry (it also measures the engine in embedded mode), or a fresh one. */
export function metricsProviders(runtime: ApiRuntime): Provider[] {
  return [{ provide: TradestreamMetrics, useValue: runtime.metrics ?? new TradestreamMetrics() }];
}
