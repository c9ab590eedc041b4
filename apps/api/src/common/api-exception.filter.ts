import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EngineTimeoutError } from '../../../../libs/messaging/src/index.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { dialectErrorFilter } from '../dialects/index.js';
import { ensureRetryAfter } from '../rate-limit/rate-limit.error.js';
import { TIMEOUT_BODY } from './api-errors.js';

/** Maps every failure to the `/api/v1` error shape `{ error }`; internals never leak to clients. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = createLogger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    // A dialect's path (MT4 `/trade/`, Hummingbot `/trading/`) keeps its own error shape even for
    // failures raised before its controller's filter could run (malformed JSON, unknown route).
    const dialect = dialectErrorFilter(host.switchToHttp().getRequest<{ url?: string }>()?.url);
    if (dialect) return dialect.catch(exception, host);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof EngineTimeoutError) {
      void reply.status(HttpStatus.REQUEST_TIMEOUT).send(TIMEOUT_BODY);
      return;
    }
    if (exception instanceof HttpException) {
      ensureRetryAfter(reply, exception);
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'error' in body && typeof (body as { error: unknown }).error === 'string' && !('statusCode' in body)) {
        void reply.status(status).send(body);
        return;
      }
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      void reply.status(status).send({ error: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message) });
      return;
    }
    const status = (exception as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Errors raised by Fastify before routing (malformed JSON, body too large, bad content type).
      void reply.status(status).send({ error: (exception as Error).message });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    void reply.status(HttpStatus.INTERNAL_SERVER_ERROR).send({ error: 'Internal server error' });
  }
}
