import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { ApiModule } from './api.module.js';
import { installHttpMetrics } from './metrics/http-metrics.js';
import { setupOpenApi } from './openapi/openapi.js';
import { RateLimits } from './rate-limit/rate-limits.js';
import type { ApiRuntime } from './runtime.tokens.js';
import { attachWebSocketStream } from './streaming/websocket-stream.js';

/** Largest request body accepted; a trade request is a few hundred bytes. */
const BODY_LIMIT = 256 * 1024;

const nestLogger = (() => {
  const log = createLogger('nest');
  const text = (message: unknown) => (typeof message === 'string' ? message : JSON.stringify(message));
  return {
    log: (message: unknown) => log.debug(text(message)),
    error: (message: unknown, trace?: string) => log.error({ trace }, text(message)),
    warn: (message: unknown) => log.warn(text(message)),
    debug: (message: unknown) => log.debug(text(message)),
    verbose: (message: unknown) => log.trace(text(message)),
  };
})();

/** The 429 body in the shape of the dialect a path belongs to (the request never reached a controller). */
function tooManyRequestsBody(url: string, retryAfterSeconds: number): unknown {
  const message = `Too many requests: retry after ${retryAfterSeconds} s`;
  if (url.startsWith('/users/current/')) return { id: 1, error: 'TooManyRequestsError', message, metadata: { recommendedRetryTime: new Date(Date.now() + retryAfterSeconds * 1000).toISOString() } };
  if (url.startsWith('/trading/')) return { detail: message };
  if (url.startsWith('/trade/') || url.startsWith('/sign/')) return { error: 'TOO_MANY_REQUESTS', message };
  return { error: message };
}

/** The global admission limit, checked before any parsing or routing work is spent on a request. */
function admitGlobally(app: NestFastifyApplication): void {
  const limits = app.get(RateLimits);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: { url: string }, reply: { header(n: string, v: string): unknown; code(c: number): { send(b: unknown): unknown } }, done: () => void) => {
      const wait = limits.admitGlobal();
      if (wait === 0) return done();
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      reply.header('retry-after', String(seconds));
      reply.code(429).send(tooManyRequestsBody(request.url, seconds));
    });
}

/** Builds the Nest application on Fastify (its Express adapter costs two thirds of the throughput). */
export async function createHttpApp(runtime: ApiRuntime): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRuntime(runtime), adapter, {
    logger: nestLogger,
  });
  admitGlobally(app);
  // Prometheus timings per route and dialect (/metrics), and the WebSocket stream (/api/v1/stream).
  installHttpMetrics(app);
  attachWebSocketStream(app);
  // Swagger UI at /docs, the OpenAPI JSON at /docs-json: every dialect's endpoints and the seeds' examples.
  setupOpenApi(app);
  return app;
}
