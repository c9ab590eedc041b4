/**
 * Broken object-level authorization, checked from the route list: every documented route (and the
 * proof that every route the controllers register is documented) that takes an account, order,
 * position, login or account-name parameter — in its path, its query or any shape of its body — is
 * called by user B with user A's ids, in every credential form of its dialect. Each parameter is
 * tried on its own (the others B's own) and all together. Every answer is the dialect's not-found
 * or permission answer (`/api/v1` 404 {error}, MetaApi 404 NotFoundError or a trade refused as
 * POSITION_CLOSED / INVALID_ORDER, MT4 401 PERMISSION_DENIED, Hummingbot 404 {detail} or an empty
 * page from a filter, admin routes 403, streams closed 4004), and nothing of A changed: A's account
 * summaries, positions, pending orders and event stream, and the log head.
 *
 * A new route that takes such a parameter is covered as soon as it is registered: it appears in
 * /docs-json, this suite derives calls for it, and the coverage check fails if it cannot.
 */
import { jest } from '@jest/globals';
import WebSocket from 'ws';
import { recordChaosMetrics } from '../support/chaos-metrics.js';
import { useService, type HttpResult, type Service } from '../support/service.js';
import { createActor, fillPath, hasErrorShape, NEUTRAL_PATH_VALUES, ownValues, userForms, type Actor, type AuthForm } from './support/actors.js';
import { bodyFields, documentedRoutes, registeredRoutes, routeKey, type RouteSpec, type Schema } from './support/routes.js';

jest.setTimeout(60_000);

const service = useService({ env: { RATE_LIMIT_USER_RPS: '100000', RATE_LIMIT_USER_BURST: '100000' } });

/** A parameter that names somebody's account, order, position or login. */
const OWNED = /^(account_?(id|name)s?|accounts|(client_)?order_?id|position_?id|login)$/i;

/** Routes the API serves outside /docs-json on purpose, with why. */
const UNDOCUMENTED: Record<string, string> = {};

interface Call {
  route: RouteSpec;
  form: AuthForm;
  /** Which of A's ids it carries (for the failure message). */
  foreign: string[];
  method: string;
  path: string;
  body?: unknown;
}

/** What of A's can be observed without touching it: its accounts, positions, pending orders and event streams, and the log head. */
async function snapshotOf(svc: Service, a: Actor) {
  const admin = { headers: { 'x-admin-token': svc.adminToken } };
  const state: Record<string, unknown> = { head: (await svc.http('GET', '/health')).body.components.log.head };
  for (const accountId of [a.accountId, a.secondAccountId]) {
    state[`account ${accountId}`] = (await svc.http('GET', `/api/v1/accounts/${accountId}`, { token: a.token })).body;
    state[`open ${accountId}`] = (await svc.http('GET', `/api/v1/trade/open?accountId=${accountId}`, { token: a.token })).body;
    state[`pending ${accountId}`] = (await svc.http('GET', `/users/current/accounts/${accountId}/orders`, { headers: { 'auth-token': a.token } })).body;
    state[`events ${accountId}`] = (await svc.http('GET', `/api/v1/audit/accounts/${accountId}/events?limit=1000`, admin)).body.events?.length;
  }
  return state;
}

/** A body of the route's shape with the given owned fields set (the shape's example, else its required fields from the schema). */
function bodyFor(route: RouteSpec, shape: Schema, values: Record<string, string>, password: string): Record<string, unknown> {
  const properties = Object.keys(shape.properties ?? {});
  const example = [shape.example, ...route.examples].find(
    (e) => typeof e === 'object' && e !== null && !Array.isArray(e) && Object.keys(e).every((k) => properties.includes(k)) && (shape.required ?? []).every((r: string) => r in (e as object)),
  ) as Record<string, unknown> | undefined;
  const body: Record<string, unknown> = { ...(example ?? {}) };
  for (const name of shape.required ?? []) if (!(name in body)) body[name] = valueFor(shape.properties[name], name);
  for (const name of properties) {
    if (!OWNED.test(name) || values[name] === undefined) continue;
    const schema = shape.properties[name] ?? {};
    body[name] = schema.type === 'integer' || schema.type === 'number' ? Number(values[name]) : schema.type === 'array' ? [values[name]] : values[name];
  }
  if ('password' in body) body.password = password;
  return body;
}

/** A plausible value for a required field the examples do not give. */
function valueFor(schema: Schema = {}, name: string): unknown {
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum !== undefined ? Number(schema.minimum) + 1 : 1;
  if (schema.type === 'boolean') return false;
  if (schema.type === 'array') return [];
  return name;
}

/** The calls for one route: each owned parameter with A's value alone (the rest B's own), then all of them A's. */
function callsFor(route: RouteSpec, a: Actor, b: Actor): Call[] {
  const theirs: Record<string, string> = { ...ownValues(a), account_name: a.secondAccountName, account_names: a.secondAccountName };
  const mine = ownValues(b);
  const shapes: (Schema | undefined)[] = route.bodies.length > 0 ? route.bodies : [undefined];
  const calls: Call[] = [];
  for (const shape of shapes) {
    const owned = [...route.pathParams, ...route.queryParams, ...Object.keys(shape?.properties ?? {})].filter((p) => OWNED.test(p));
    if (owned.length === 0) continue;
    // An order or position id of A's could name either kind: try the pending order and the position.
    const variants: Record<string, string>[] = [theirs, { ...theirs, orderId: a.positionId, client_order_id: a.positionId, positionId: a.positionId }];
    const plans = [...new Set([...owned.map((p) => [p]), owned].map((set) => JSON.stringify(set)))].map((s) => JSON.parse(s) as string[]);
    for (const foreign of plans) {
      for (const variant of variants) {
        const values: Record<string, string> = { ...NEUTRAL_PATH_VALUES, ...mine };
        for (const name of foreign) values[name] = variant[name]!;
        const query = route.queryParams.filter((q) => OWNED.test(q)).map((q) => `${q}=${encodeURIComponent(values[q]!)}`);
        const path = fillPath(route.path, values) + (query.length > 0 ? `?${query.join('&')}` : '');
        const body = shape ? bodyFor(route, shape, values, b.password) : undefined;
        const forms = route.auth === 'none' ? [{ name: 'no credentials (the body names the login)', headers: {} }] : userForms(route.dialect, b);
        for (const form of forms) calls.push({ route, form, foreign: foreign.map((f) => `${f}=${values[f]}`), method: route.method, path, body });
      }
    }
  }
  // Identical calls (a variant that changed nothing) once.
  return [...new Map(calls.map((c) => [JSON.stringify([c.method, c.path, c.body, c.form.name]), c])).values()];
}

/** Whether B got the dialect's not-found or permission answer. */
function refused(call: Call, result: HttpResult): boolean {
  const { route } = call;
  const body = result.body;
  if (route.auth === 'admin') return result.status === 403 && hasErrorShape(route.dialect, 403, body);
  switch (route.dialect) {
    case 'metaapi':
      if (result.status === 404) return body?.error === 'NotFoundError' && hasErrorShape('metaapi', 404, body);
      // A trade naming another user's position or order is a refused trade, answered as MetaApi answers every trade outcome.
      return result.status === 200 && ['TRADE_RETCODE_POSITION_CLOSED', 'TRADE_RETCODE_INVALID_ORDER'].includes(body?.stringCode);
    case 'mt4':
      return result.status === 401 && body?.error === 'PERMISSION_DENIED';
    case 'hummingbot':
      if (result.status === 404) return hasErrorShape('hummingbot', 404, body);
      // A filter naming another user's account matches none of the caller's accounts: an empty page.
      return result.status === 200 && Array.isArray(body?.data) && body.data.length === 0 && body.pagination?.total_count === 0;
    default:
      return result.status === 404 && hasErrorShape(route.dialect, 404, body);
  }
}

/** The SSE stream answers a subscription to another user's account by closing it with 4004. */
async function sseCloseCode(svc: Service, token: string, accounts: string): Promise<number | undefined> {
  const result = await svc.http('GET', `/api/v1/stream/sse?token=${encodeURIComponent(token)}&accounts=${accounts}`);
  const close = String(result.body)
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)))
    .find((m) => m.type === 'close');
  return close?.code;
}

function wsCloseCode(svc: Service, token: string, accounts: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${svc.baseUrl.replace('http', 'ws')}/api/v1/stream?token=${encodeURIComponent(token)}&accounts=${accounts}`);
    ws.on('close', (code) => resolve(code));
    ws.on('error', reject);
  });
}

describe("user B calls every route that names an account, order, position or login with user A's ids", () => {
  let a: Actor;
  let b: Actor;
  let routes: RouteSpec[];

  beforeAll(async () => {
    const svc = service();
    await svc.tick('BTCUSD', 42000, 42010);
    a = await createActor(svc, 'alice');
    b = await createActor(svc, 'bob');
    routes = await documentedRoutes(svc);
  });

  it('finds every route the controllers register in the documented route list', () => {
    const documented = new Set(routes.map((r) => routeKey(r.method, r.path)));
    const missing = registeredRoutes().filter((key) => !documented.has(key) && !(key in UNDOCUMENTED));
    expect(missing).toEqual([]);
  });

  it("answers each with the dialect's not-found or permission answer and changes nothing of A's", async () => {
    const svc = service();
    const owning = routes.filter((r) => [...r.pathParams, ...r.queryParams, ...bodyFields(r)].some((p) => OWNED.test(p)));
    const streams = owning.filter((r) => r.path === '/api/v1/stream/sse');
    const http = owning.filter((r) => !streams.includes(r));
    const before = await snapshotOf(svc, a);

    const violations: string[] = [];
    const covered = new Set<string>();
    let calls = 0;
    for (const route of http) {
      for (const call of callsFor(route, a, b)) {
        calls += 1;
        const headBefore = (await svc.http('GET', '/health')).body.components.log.head;
        const result = await svc.http(call.method, call.path, { body: call.body, headers: call.form.headers });
        const headAfter = (await svc.http('GET', '/health')).body.components.log.head;
        const where = `${call.method} ${call.path} (${call.form.name}; A's ${call.foreign.join(', ')})${call.body ? ` ${JSON.stringify(call.body)}` : ''}`;
        if (!refused(call, result)) violations.push(`${where}: ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`);
        if (headAfter !== headBefore) violations.push(`${where}: the log moved from ${headBefore} to ${headAfter}`);
        covered.add(routeKey(route.method, route.path));
      }
    }
    // The streams: SSE (documented) and the WebSocket on the same hub, with every accepted token form in the query.
    for (const route of streams) {
      for (const accounts of [a.accountId, a.secondAccountId, `${b.accountId},${a.accountId}`]) {
        calls += 2;
        const sse = await sseCloseCode(svc, b.token, accounts);
        const ws = await wsCloseCode(svc, b.token, accounts);
        if (sse !== 4004) violations.push(`SSE accounts=${accounts}: close ${sse}`);
        if (ws !== 4004) violations.push(`WebSocket accounts=${accounts}: close ${ws}`);
      }
      covered.add(routeKey(route.method, route.path));
    }

    const uncovered = owning.map((r) => routeKey(r.method, r.path)).filter((key) => !covered.has(key));
    recordChaosMetrics('bola', { bola_routes_checked: covered.size, bola_calls: calls, bola_violations: violations.length + uncovered.length });
    expect(uncovered).toEqual([]);
    expect(violations).toEqual([]);
    expect(covered.size).toBeGreaterThanOrEqual(20);
    expect(await snapshotOf(svc, a)).toEqual(before);
  });

  it('still serves A its own ids on the same routes afterwards (the ids were real)', async () => {
    const svc = service();
    expect((await svc.http('GET', `/users/current/accounts/${a.accountId}/positions/${a.positionId}`, { headers: { 'auth-token': a.token } })).status).toBe(200);
    expect((await svc.http('GET', `/users/current/accounts/${a.accountId}/orders/${a.pendingOrderId}`, { headers: { 'auth-token': a.token } })).status).toBe(200);
    const cancel = await svc.http('POST', `/trading/${encodeURIComponent(a.secondAccountName)}/tradestream/orders/${a.pendingOrderId}/cancel`, {
      headers: { authorization: `Basic ${Buffer.from(`${a.email}:${a.password}`).toString('base64')}` },
    });
    // The pending order is on A's first account, not the named one: not found there either.
    expect(cancel.status).toBe(404);
    expect((await svc.http('POST', '/api/v1/trade/close', { token: a.token, body: { orderId: a.positionId } })).status).toBe(200);
  });
});
