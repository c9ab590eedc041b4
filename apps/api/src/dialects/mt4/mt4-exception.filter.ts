import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EngineTimeoutError } from '../../../../../libs/messaging/src/index.js';
import { createLogger } from '../../../../../libs/platform/src/logger.js';
import { ensureRetryAfter } from '../../rate-limit/rate-limit.error.js';
import { Mt4Error } from './mt4-errors.js';

/**
 * Controller-scoped: every failure of the MT4 routes in seed 001's shape `{ error: CODE, message }`
 * (the `/api/v1` filter never sees them). Internals never leak to clients.
 */
@Catch()
export class Mt4ExceptionFilter implements ExceptionFilter {
  private readonly logger = createLogger('mt4');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const send = (error: Mt4Error) => void reply.status(error.getStatus()).send(error.getResponse());
    if (exception instanceof Mt4Error) return send(exception);
    if (exception instanceof EngineTimeoutError) {
      return send(
        new Mt4Error('OPEN_ORDER_ERROR', 'TRADE_RETCODE_TIMEOUT (10012): no result within 3 seconds; the request was not executed and never will be'),
      );
    }
    const status = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: unknown }).statusCode;
    if (status === HttpStatus.TOO_MANY_REQUESTS) {
      ensureRetryAfter(reply, exception);
      // Rate limits (Retry-After is already set by whoever refused the request).
      const message = exception instanceof HttpException ? httpMessage(exception) : 'Too many requests';
      void reply.status(HttpStatus.TOO_MANY_REQUESTS).send({ error: 'TOO_MANY_REQUESTS', message });
      return;
    }
    if (status === HttpStatus.SERVICE_UNAVAILABLE && exception instanceof HttpException) {
      // A dependency (the session store) did not answer: retry later; nothing was done.
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE).send({ error: 'SERVICE_UNAVAILABLE', message: httpMessage(exception) });
      return;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Errors raised before the handler (malformed JSON, body too large, a guard of another layer).
      const message = exception instanceof HttpException ? httpMessage(exception) : (exception as Error).message;
      if (status === HttpStatus.UNAUTHORIZED || status === HttpStatus.FORBIDDEN) return send(new Mt4Error('PERMISSION_DENIED', message));
      return send(new Mt4Error('INVALID_DATA', message));
    }
    this.logger.error({ err: exception }, 'unhandled error on an MT4 route');
    send(new Mt4Error('OPEN_ORDER_ERROR', 'Internal server error'));
  }
}

function httpMessage(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const { message, error } = body as { message?: unknown; error?: unknown };
  if (Array.isArray(message)) return message.join('; ');
  return String(message ?? error ?? exception.message);
}
