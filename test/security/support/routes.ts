/**
 * The route list of the running service, derived, never written by hand:
 *
 * - `documentedRoutes(svc)`: every operation of `/docs-json` (the OpenAPI document the service builds
 *   from its controllers and DTOs) with its dialect, the credentials it takes, its path and query
 *   parameters and its request-body shapes (`$ref`s resolved, `oneOf` alternatives kept apart);
 * - `registeredRoutes()`: every route the Nest controllers of `ApiModule` register (method and path
 *   from Nest's own routing metadata), to prove that the documented list misses nothing.
 */
import 'reflect-metadata';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ApiModule } from '../../../apps/api/src/api.module.js';
import type { ApiRuntime } from '../../../apps/api/src/runtime.tokens.js';

export type Dialect = 'api-v1' | 'metaapi' | 'mt4' | 'hummingbot' | 'system';
/** Which credentials a route takes: a user's (in the dialect's form), the admin token, either (audit), or none. */
export type AuthKind = 'user' | 'admin' | 'user-or-admin' | 'none';

export type Schema = Record<string, any>;

export interface RouteSpec {
  method: string;
  /** OpenAPI form: `/api/v1/accounts/{accountId}`. */
  path: string;
  dialect: Dialect;
  auth: AuthKind;
  pathParams: string[];
  queryParams: string[];
  /** The body's alternative shapes (one unless the schema is a `oneOf`), refs resolved; empty without a body. */
  bodies: Schema[];
  /** Example bodies the document gives (for the shape of a valid request). */
  examples: unknown[];
}

export function dialectOf(path: string): Dialect {
  if (path.startsWith('/api/v1/')) return 'api-v1';
  // The service's own rule (metaapi-transport-errors.ts): MetaApi's routes live under /users/current/accounts.
  if (/^\/users\/current\/accounts(?:[/?]|$)/.test(path)) return 'metaapi';
  if (path.startsWith('/trade/') || path.startsWith('/sign/')) return 'mt4';
  if (path.startsWith('/trading/')) return 'hummingbot';
  return 'system';
}

function authOf(path: string, operation: Schema): AuthKind {
  if (path.startsWith('/api/v1/admin/')) return 'admin';
  if (path.startsWith('/api/v1/audit/') || path.startsWith('/api/v1/console/')) return 'user-or-admin';
  if (['/api/v1/user/signup', '/api/v1/user/signin', '/sign/in'].includes(path)) return 'none';
  const dialect = dialectOf(path);
  if (dialect === 'metaapi' || dialect === 'mt4' || dialect === 'hummingbot') return 'user';
  // `/api/v1`: the user surface declares its credentials (bearer/basic); market data and the stream's own query token do not.
  if (dialect === 'api-v1') return ((operation.security ?? []) as unknown[]).length > 0 ? 'user' : 'none';
  return 'none';
}

/** `$ref`s replaced by their schemas (a document without cycles: ours has none). */
export function resolveRefs(schema: unknown, document: Schema, depth = 0): any {
  if (depth > 20 || typeof schema !== 'object' || schema === null) return schema;
  if (Array.isArray(schema)) return schema.map((s) => resolveRefs(s, document, depth + 1));
  const ref = (schema as { $ref?: string }).$ref;
  if (typeof ref === 'string') {
    const target = ref.replace(/^#\//, '').split('/').reduce<any>((node, key) => node?.[key], document);
    return resolveRefs(target, document, depth + 1);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolveRefs(v, document, depth + 1)]));
}

/** Every operation of the service's OpenAPI document. */
export async function documentedRoutes(svc: { http(method: string, path: string): Promise<{ status: number; body: any }> }): Promise<RouteSpec[]> {
  const result = await svc.http('GET', '/docs-json');
  if (result.status !== 200) throw new Error(`GET /docs-json answered ${result.status}`);
  const document = result.body as Schema;
  const routes: RouteSpec[] = [];
  for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = (operation.parameters ?? []) as { in: string; name: string }[];
      const content = operation.requestBody?.content?.['application/json'];
      const schema = content?.schema ? resolveRefs(content.schema, document) : undefined;
      const bodies: Schema[] = schema === undefined ? [] : Array.isArray(schema.oneOf) ? schema.oneOf : [schema];
      const examples = [
        ...Object.values((content?.examples ?? {}) as Record<string, { value: unknown }>).map((e) => e.value),
        ...bodies.map((b) => b.example).filter((e) => e !== undefined),
      ];
      routes.push({
        method: method.toUpperCase(),
        path,
        dialect: dialectOf(path),
        auth: authOf(path, operation),
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodies,
        examples,
      });
    }
  }
  return routes;
}

/** Every property name a body shape names (top level: ids are never nested in our bodies). */
export function bodyFields(route: RouteSpec): string[] {
  return [...new Set(route.bodies.flatMap((b) => Object.keys(b.properties ?? {})))];
}

/** `METHOD /path/{param}` for comparing route lists. */
export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/**
 * Every route the API's controllers register, from Nest's routing metadata (`@Controller` paths,
 * `@Get`/`@Post` and their paths), in OpenAPI form.
 */
export function registeredRoutes(): string[] {
  const controllers = (ApiModule.forRuntime({ config: { jwtSecret: 'only-listing-routes-here-0123456789' } } as ApiRuntime).controllers ?? []) as (new (...args: never[]) => unknown)[];
  const keys: string[] = [];
  const list = (value: unknown): string[] => (Array.isArray(value) ? value : [value ?? '']).map(String);
  for (const controller of controllers) {
    const bases = list(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      for (const base of bases) {
        for (const sub of list(Reflect.getMetadata(PATH_METADATA, handler))) {
          const joined = `/${[base, sub].filter((p) => p !== '' && p !== '/').join('/')}`.replace(/\/+/g, '/').replace(/\/$/, '') || '/';
          keys.push(routeKey(RequestMethod[method], joined.replace(/:(\w+)/g, '{$1}')));
        }
      }
    }
  }
  return [...new Set(keys)].sort();
}
