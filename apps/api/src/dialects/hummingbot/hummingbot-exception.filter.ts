import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EngineTimeoutError } from '../../../../../libs/messaging/src/index.js';
import { createLogger } from '../../../../../libs/platform/src/logger.js';
import { ensureRetryAfter } from '../../rate-limit/rate-limit.error.js';
import { HummingbotError } from './hummingbot-errors.js';

/**
 * Controller-scoped: every failure of the Hummingbot routes in FastAPI's shape, `{ detail }`
 * (the `/api/v1` filter never sees them). Internals never leak to clients.
 */
@Catch()
export class HummingbotExceptionFilter implements ExceptionFilter {
  private readonly logger = createLogger('hummingbot');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HummingbotError) {
      for (const [name, value] of Object.entries(exception.headers)) void reply.header(name, value);
      void reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    if (exception instanceof EngineTimeoutError) {
      void reply.status(HttpStatus.REQUEST_TIMEOUT).send({ detail: 'Request timeout: no result within 3 seconds; the order was not placed and never will be' });
      return;
    }
    ensureRetryAfter(reply, exception);
    const status = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = exception instanceof HttpException ? detailOf(exception) : (exception as Error).message;
      if (status === HttpStatus.BAD_REQUEST && /json/i.test(message)) {
        // FastAPI answers a body that is not JSON with a 422 `json_invalid`.
        void reply.status(HttpStatus.UNPROCESSABLE_ENTITY).send({ detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', ctx: { error: message } }] });
        return;
      }
      void reply.status(status).send({ detail: message });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error on a Hummingbot route');
    void reply.status(HttpStatus.INTERNAL_SERVER_ERROR).send({ detail: 'Internal server error' });
  }
}

function detailOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const { message, error, detail } = body as { message?: unknown; error?: unknown; detail?: unknown };
  if (typeof detail === 'string') return detail;
  if (Array.isArray(message)) return message.join('; ');
  return String(message ?? error ?? exception.message);
}
