import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EngineTimeoutError } from '../../../../../../libs/messaging/src/index.js';
import { createLogger } from '../../../../../../libs/platform/src/logger.js';
import { ensureRetryAfter, TooManyRequestsError } from '../../../rate-limit/rate-limit.error.js';
import { errorNameFor, MetaApiError, type MetaApiErrorBody } from './metaapi-error.js';

/** The text an HttpException of another part of the API carries (`{error}`, `{message}` or a string). */
function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const { error, message } = body as { error?: unknown; message?: unknown };
  if (typeof error === 'string' && typeof message !== 'string') return error;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * Every failure of a MetaApi route in MetaApi's error shape `{id, error, message, details?}`:
 * 400 ValidationError, 401 UnauthorizedError (from the credentials guard), 404 NotFoundError,
 * 429 TooManyRequestsError, 504 TimeoutError, 500 InternalError. Scoped to the MetaApi controllers, so the global `/api/v1`
 * filter never reshapes them. Trade outcomes are not errors: they are 200s with a result code.
 */
@Catch()
export class MetaApiExceptionFilter implements ExceptionFilter {
  private readonly logger = createLogger('metaapi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const send = (status: number, body: MetaApiErrorBody) => void reply.status(status).send(body);
    if (exception instanceof MetaApiError) return send(exception.getStatus(), exception.body);
    if (exception instanceof EngineTimeoutError) {
      return send(HttpStatus.GATEWAY_TIMEOUT, { id: 1, error: 'TimeoutError', message: 'The trading engine did not answer in time' });
    }
    if (exception instanceof TooManyRequestsError) {
      ensureRetryAfter(reply, exception);
      const recommendedRetryTime = new Date(Date.now() + exception.retryAfterSeconds * 1000).toISOString();
      return send(HttpStatus.TOO_MANY_REQUESTS, { id: 1, error: 'TooManyRequestsError', message: messageOf(exception), metadata: { recommendedRetryTime } });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) this.logger.error({ err: exception }, 'server error');
      const message = status === HttpStatus.UNAUTHORIZED ? `Authorization failed: ${messageOf(exception)}` : messageOf(exception);
      return send(status, { id: 1, error: errorNameFor(status), message });
    }
    const status = (exception as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Raised by Fastify before the handler: malformed JSON, body too large, unsupported content type.
      return send(status, { id: 1, error: errorNameFor(status), message: (exception as Error).message });
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return send(HttpStatus.INTERNAL_SERVER_ERROR, { id: 1, error: 'InternalError', message: 'Internal server error' });
  }
}
