import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorNameFor, type MetaApiErrorBody } from './metaapi-error.js';

/** Every MetaApi route lives under this path. */
const METAAPI_PATH = /^\/users\/current\/accounts(?:[/?]|$)/;

/**
 * The body of an error response on a MetaApi path, in MetaApi's shape. Errors raised before a route's
 * handler runs (Fastify's malformed JSON or unsupported content type, an unknown MetaApi path) only
 * reach the global `/api/v1` filter, which answers `{error}`; this rewrites those. A body already in
 * MetaApi's shape (it has an `id`), a success, or another path is left exactly as it is.
 */
export function metaApiErrorPayload(url: string, status: number, payload: unknown): unknown {
  if (status < 400 || typeof payload !== 'string' || !METAAPI_PATH.test(url)) return payload;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return payload;
  }
  if (typeof body !== 'object' || body === null || 'id' in body) return payload;
  const text = (body as { error?: unknown; message?: unknown }).error ?? (body as { message?: unknown }).message;
  const message = typeof text === 'string' ? text : 'Request failed';
  const reshaped: MetaApiErrorBody = {
    id: 1,
    error: errorNameFor(status),
    message: status === 401 ? `Authorization failed: ${message}` : message,
  };
  return JSON.stringify(reshaped);
}

interface HookHost {
  addHook(name: 'onSend', hook: (request: { url: string }, reply: { statusCode: number }, payload: unknown) => Promise<unknown>): unknown;
}

/** Installs {@link metaApiErrorPayload} as a Fastify onSend hook (routes exist by now; the server is not ready yet). */
@Injectable()
export class MetaApiTransportErrors implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as Partial<HookHost> | undefined;
    if (typeof instance?.addHook !== 'function') return;
    instance.addHook('onSend', async (request, reply, payload) => metaApiErrorPayload(request.url, reply.statusCode, payload));
  }
}
