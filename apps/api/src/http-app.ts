import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { ApiModule } from './api.module.js';
import type { ApiRuntime } from './runtime.tokens.js';

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
  return app;
}
