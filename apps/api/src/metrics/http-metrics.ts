import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TradestreamMetrics } from './metrics.js';

/** The API dialect a path belongs to (the `dialect` label): one per seed plus `system`. */
export function dialectOf(path: string): string {
  if (path.startsWith('/api/v1/')) return 'api-v1';
  if (path.startsWith('/users/current/')) return 'metaapi';
  if (path.startsWith('/trade/') || path.startsWith('/sign/')) return 'mt4';
  if (path.startsWith('/trading/')) return 'hummingbot';
  return 'system';
}

interface RequestLike {
  method: string;
  url: string;
  routeOptions?: { url?: string };
}

interface ReplyLike {
  statusCode: number;
  elapsedTime: number;
}

/**
 * Times every answered request by its route pattern (`/api/v1/accounts/:accountId`, never the raw
 * URL, so ids do not explode the label set); requests that matched no route share `unmatched`.
 */
export function installHttpMetrics(app: NestFastifyApplication): void {
  const metrics = app.get(TradestreamMetrics);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request: RequestLike, reply: ReplyLike, done: () => void) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      const labels = {
        method: request.method,
        route,
        status: String(reply.statusCode),
        dialect: dialectOf(route === 'unmatched' ? request.url : route),
      };
      metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
      metrics.httpRequests.inc(labels);
      done();
    });
}
