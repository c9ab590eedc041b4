import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { credentialsFrom, StreamAuth, subscribeFromQuery } from './stream-auth.js';
import { StreamHub } from './stream-hub.js';
import { CLOSE } from './stream-messages.js';
import type { StreamTransport } from './stream-session.js';

const CLOSE_GRACE_MS = 5_000;

/**
 * `GET /api/v1/stream/sse`: the same stream as the WebSocket for clients that only speak HTTP
 * (EventSource, curl). Every message is one `data:` line of JSON; event messages and heartbeats
 * carry `id: <position>`, so an EventSource that reconnects sends `Last-Event-ID` and resumes
 * exactly after it. When the server ends the stream it first sends `{"type":"close","code",…}`.
 */
@Controller('api/v1/stream')
export class StreamSseController {
  constructor(
    private readonly hub: StreamHub,
    private readonly auth: StreamAuth,
  ) {}

  @ApiTags('Streaming')
  @ApiOperation({ summary: 'Server-sent events: prices and account events (see README, Streaming; the WebSocket /api/v1/stream takes the same query)' })
  @ApiQuery({ name: 'token', required: false, description: 'A JWT from /api/v1/user/signin (or Authorization / auth-token headers)' })
  @ApiQuery({ name: 'adminToken', required: false, description: 'The ADMIN_TOKEN (or the x-admin-token header): any account' })
  @ApiQuery({ name: 'from', required: false, description: 'Resume after this log position' })
  @ApiQuery({ name: 'symbols', required: false, example: 'BTCUSD,ETHUSD' })
  @ApiQuery({ name: 'accounts', required: false, description: 'Comma-separated account ids (yours; another user’s closes the stream with 4004)' })
  @Get('sse')
  async sse(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const query = new URL(request.url, 'http://localhost').searchParams;
    const credentials = credentialsFrom(request.headers, query);
    const checked = await this.auth.authenticate(credentials ?? {});
    if ('refused' in checked) {
      await reply.status(checked.refused.code === 4003 ? 403 : checked.refused.code === 1001 ? 503 : 401).send({ error: checked.error });
      return;
    }
    const lastEventId = request.headers['last-event-id'];
    const subscribe = subscribeFromQuery(query, typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : undefined);
    if (typeof subscribe === 'string') {
      await reply.status(400).send({ error: subscribe });
      return;
    }

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');
    const transport: StreamTransport = {
      kind: 'sse',
      send: (text, id) => {
        raw.write(`${id === undefined ? '' : `id: ${id}\n`}data: ${text}\n\n`);
      },
      bufferedBytes: () => raw.writableLength,
      close: (code, reason) => {
        raw.end(`data: ${JSON.stringify({ type: 'close', code, reason })}\n\n`);
        setTimeout(() => raw.destroy(), code === CLOSE.GOING_AWAY.code ? 500 : CLOSE_GRACE_MS).unref();
      },
    };
    const session = this.hub.open(transport);
    // The response closes when the client goes away (or after the server ended it).
    raw.on('close', () => session.detach());
    if (session.closed) return;
    if (checked.expiresAt !== undefined) session.expireAt(checked.expiresAt);
    await this.hub.subscribe(session, checked.access, subscribe).catch(() => session.close(CLOSE.GOING_AWAY, 'error'));
  }
}
