import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { ApiModule } from './api.module.js';
import { bodyProblem, bodyProblemMessage } from './common/body-depth.js';
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

/**
 * What the router refuses before any hook or filter runs (a malformed URL: 400; a path parameter
 * longer than the router takes: 414), answered in the shape of the dialect the path belongs to.
 */
function frameworkError(error: { statusCode?: number; message: string }, request: { url?: string }, reply: { code(c: number): { send(b: unknown): unknown } }): void {
  const url = request.url ?? '';
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const message = error.message;
  if (/^\/users\/current\/accounts(?:[/?]|$)/.test(url)) void reply.code(status).send({ id: 1, error: status === 414 || status === 400 ? 'ValidationError' : 'ApiError', message });
  else if (url.startsWith('/trading/')) void reply.code(status).send({ detail: message });
  else if (url.startsWith('/trade/') || url.startsWith('/sign/')) void reply.code(400).send({ error: 'INVALID_DATA', message });
  else void reply.code(status).send({ error: message });
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

/**
 * Refuses unfit bodies with a 400 before any handler runs (see bodyProblem): too deep (validation
 * and class-transformer recurse, and a deep enough body would overflow the stack: a 500), a reserved
 * property name (`toString`, `constructor`, … would be dropped silently instead of refused), or text
 * that is not valid Unicode. The error reaches each dialect's filter like malformed JSON does.
 */
function screenBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', (request: { body?: unknown }, _reply: unknown, done: (error?: Error) => void) => {
      const problem = request.body === undefined || request.body === null ? undefined : bodyProblem(request.body);
      if (!problem) return done();
      done(Object.assign(new Error(bodyProblemMessage(problem)), { statusCode: 400 }));
    });
}

/** Builds the Nest application on Fastify (its Express adapter costs two thirds of the throughput). */
export async function createHttpApp(runtime: ApiRuntime): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    frameworkErrors: frameworkError as never,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRuntime(runtime), adapter, {
    logger: nestLogger,
  });
  admitGlobally(app);
  screenBodies(app);
  // Prometheus timings per route and dialect (/metrics), and the WebSocket stream (/api/v1/stream).
  installHttpMetrics(app);
  attachWebSocketStream(app);
  // Swagger UI at /docs, the OpenAPI JSON at /docs-json: every dialect's endpoints and the seeds' examples.
  setupOpenApi(app);
  return app;
}
