import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import { credentialsFrom, parseSubscribe, StreamAuth, subscribeFromQuery, type StreamCredentials } from './stream-auth.js';
import { StreamHub } from './stream-hub.js';
import { CLOSE } from './stream-messages.js';
import type { StreamSession, StreamTransport } from './stream-session.js';

export const STREAM_PATH = '/api/v1/stream';

/** A client that has not authenticated within this time is closed (4001). */
const AUTH_TIMEOUT_MS = 5_000;
/** After a close frame, a client that does not answer is cut off. */
const CLOSE_GRACE_MS = 5_000;
const SHUTDOWN_GRACE_MS = 500;
const MAX_MESSAGE_BYTES = 64 * 1024;

const log = createLogger('stream-ws');

function transportOf(ws: WebSocket): StreamTransport {
  return {
    kind: 'websocket',
    send: (text) => ws.send(text),
    bufferedBytes: () => ws.bufferedAmount,
    close: (code, reason) => {
      ws.close(code, reason);
      // At shutdown nobody waits long for a client that does not answer the close frame.
      setTimeout(() => ws.terminate(), code === CLOSE.GOING_AWAY.code ? SHUTDOWN_GRACE_MS : CLOSE_GRACE_MS).unref();
    },
  };
}

function parseMessage(data: RawData): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data.toString());
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `GET /api/v1/stream` upgraded to a WebSocket (the `ws` library on Fastify's own HTTP server, so
 * it does not depend on a Fastify plugin). Protocol: README "Streaming".
 */
export function attachWebSocketStream(app: NestFastifyApplication): void {
  const hub = app.get(StreamHub);
  const auth = app.get(StreamAuth);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const server = app.getHttpServer() as Server;

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== STREAM_PATH && url.pathname !== `${STREAM_PATH}/`) {
      // Not ours: answer unless someone else listens for upgrades too.
      if (server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => connect(ws, request, url));
  });

  const connect = (ws: WebSocket, request: IncomingMessage, url: URL) => {
    const session = hub.open(transportOf(ws));
    ws.on('close', () => session.detach());
    ws.on('error', (error) => {
      log.debug({ err: error }, 'websocket error');
      session.detach();
    });
    if (session.closed) return;

    let started = false;
    const start = async (credentials: StreamCredentials, input: ReturnType<typeof subscribeFromQuery>) => {
      started = true;
      clearTimeout(authTimer);
      const checked = await auth.authenticate(credentials);
      if (session.closed) return;
      if ('refused' in checked) {
        session.sendMessage('error', { type: 'error', error: checked.error }, undefined, true);
        session.close(checked.refused, 'auth');
        return;
      }
      if (typeof input === 'string') {
        session.sendMessage('error', { type: 'error', error: input }, undefined, true);
        session.close(CLOSE.BAD_REQUEST, 'bad_request');
        return;
      }
      if (checked.expiresAt !== undefined) session.expireAt(checked.expiresAt);
      hub.subscribe(session, checked.access, input).catch((error: unknown) => {
        log.warn({ err: error }, 'stream subscription failed');
        session.close(CLOSE.GOING_AWAY, 'error');
      });
    };

    const authTimer = setTimeout(() => {
      if (started) return;
      session.sendMessage('error', { type: 'error', error: `authenticate within ${AUTH_TIMEOUT_MS / 1000} s: {"type":"auth","token":"<jwt>"}` }, undefined, true);
      session.close(CLOSE.UNAUTHORIZED, 'auth');
    }, AUTH_TIMEOUT_MS);
    authTimer.unref();

    ws.on('message', (data: RawData) => {
      if (session.closed) return;
      const message = parseMessage(data);
      if (!message) {
        session.sendMessage('error', { type: 'error', error: 'messages are JSON objects with a "type"' }, undefined, true);
        return;
      }
      switch (message.type) {
        case 'auth': {
          if (started) {
            session.sendMessage('error', { type: 'error', error: 'already authenticated' });
            return;
          }
          const credentials: StreamCredentials =
            typeof message.adminToken === 'string' ? { adminToken: message.adminToken } : typeof message.token === 'string' ? { token: message.token } : {};
          void start(credentials, parseSubscribe({ from: message.from, symbols: message.symbols, accounts: message.accounts }));
          return;
        }
        case 'subscribe':
        case 'unsubscribe': {
          if (session.state === 'new') {
            session.sendMessage('error', { type: 'error', error: 'authenticate first' }, undefined, true);
            return;
          }
          const parsed = parseSubscribe({ symbols: message.symbols });
          if (typeof parsed === 'string') {
            session.sendMessage('error', { type: 'error', error: parsed });
            return;
          }
          if (message.type === 'subscribe') hub.changeSymbols(session, parsed.symbols, []);
          else hub.changeSymbols(session, [], parsed.symbols);
          return;
        }
        case 'ping':
          session.sendMessage('pong', { type: 'pong', time: new Date().toISOString() });
          return;
        default:
          session.sendMessage('error', { type: 'error', error: `unknown message type ${JSON.stringify(message.type)}: auth, subscribe, unsubscribe or ping` });
      }
    });

    const credentials = credentialsFrom(request.headers, url.searchParams);
    if (credentials) void start(credentials, subscribeFromQuery(url.searchParams));
  };

  app.getHttpAdapter().getInstance().addHook('onClose', (_instance: unknown, done: () => void) => {
    wss.close();
    done();
  });
}
