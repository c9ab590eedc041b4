/**
 * Hostile input, property-based (fast-check): payloads for every state-changing endpoint of every
 * dialect, generated from the schemas of /docs-json (never a hand-written endpoint list). A valid
 * body of the route's shape is mutated: wrong types, huge numbers, NaN/Infinity strings and bare
 * tokens, negative and zero amounts, deep nesting, unicode, oversized bodies (> 256 KiB),
 * prototype-pollution keys (`__proto__`, `constructor.prototype`), missing fields, extra fields, bad
 * path parameters and Idempotency-Keys.
 *
 * For every case: no 5xx; a 4xx is in the dialect's error shape and changed nothing (the log gained
 * no event but the audit record of a refused trade, and the trader's balances, positions and pending
 * orders are as before); a body with an unknown field or without a required one is never accepted.
 * Afterwards the service is alive, unpolluted, and still trades.
 *
 * CHAOS_SCALE=full runs 10,000 cases (default: 1,000); FUZZ_SEED replays a run.
 */
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { join } from 'node:path';
import { SqliteEventStore } from '../../libs/event-store/src/index.js';
import { recordChaosMetrics, scaled } from '../support/chaos-metrics.js';
import { useService, type Service } from '../support/service.js';
import { createActor, ERROR_SHAPE, fillPath, hasErrorShape, NEUTRAL_PATH_VALUES, ownValues, userForms, type Actor } from './support/actors.js';
import { dialectOf, documentedRoutes, type RouteSpec, type Schema } from './support/routes.js';

const CASES = Number(process.env.FUZZ_CASES ?? scaled(1_000, 10_000));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
jest.setTimeout(scaled(90_000, 900_000));

const service = useService({
  env: {
    RATE_LIMIT_USER_RPS: '1000000',
    RATE_LIMIT_USER_BURST: '1000000',
    RATE_LIMIT_GLOBAL_RPS: '1000000',
    RATE_LIMIT_GLOBAL_BURST: '1000000',
    SIGNIN_FAILURES_PER_MINUTE: '1000000',
    DEMO_BALANCE: '1000000',
  },
});

/** Events a refused request may leave: the audit record of a refused trade. Anything else is a change. */
const AUDIT_ONLY = new Set(['TradeRejected']);
/** The engine's clock acts on its own (expiry of pending orders): its events are nobody's request. */
const CLOCK = 'engine-clock';

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? { a: value } : [value];
  return value;
};

/** Values that break parsers, validators, decimal conversion and storage. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(
    null, true, false, 0, -0, -1, -0.01, 1e308, -1e308, 5e-324, 1e-9, 2 ** 53 + 2, 2 ** 63, 1e21, 0.1 + 0.2, 123456789.123456789, 42000.123456789,
    'NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '1e-999', '0x1F', '1_000', ' 1 ', '', '0', '-0', '-1', '1e3', '.5', '5.', '+1',
    '١٢٣', '１２３', '\u0000', 'a\u0000b', '\u202etxt', '😀', '𝟘', '\ud800', 'null', 'undefined', 'true', '[]', '{}',
    'A'.repeat(10_000), '9'.repeat(400), [], {}, [1, 2, 3], { $gt: '' }, { __proto__: { polluted: 'yes' } }, ['BTCUSD'],
    '../../../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '${7*7}', '%s%s%s%n',
  ) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => Number(n)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 300 }).map((d) => nested(d)) },
);

/** A body nested `depth` levels deep, as text (JSON.stringify itself would overflow the stack). */
const deepText = (depth: number, arrays: boolean) => (arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'isAdmin', 'userId', 'balance', 'role', 'access', 'sid', 'toString', 'hasOwnProperty', 'extra', '', ' ', '$where'];

type Mutation =
  | { kind: 'value'; field: number; value: unknown }
  | { kind: 'values'; changes: { field: number; value: unknown }[] }
  | { kind: 'missing'; field: number }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'body'; body: unknown }
  | { kind: 'raw'; text: string }
  | { kind: 'deep'; depth: number; arrays: boolean }
  | { kind: 'oversized'; size: number }
  | { kind: 'path'; value: string }
  | { kind: 'idempotency'; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('value' as const), field: fc.nat(), value: hostileValue }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('values' as const), changes: fc.array(fc.record({ field: fc.nat(), value: hostileValue }), { minLength: 2, maxLength: 4 }) }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('missing' as const), field: fc.nat() }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('extra' as const), key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })), value: hostileValue }) },
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('body' as const),
      body: fc.oneof(
        hostileValue,
        fc.integer({ min: 33, max: 300 }).map((d) => nested(d)),
        fc.constant(JSON.parse('{"__proto__":{"polluted":"yes","isAdmin":true}}')),
        fc.constant({ constructor: { prototype: { polluted: 'yes' } } }),
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 50 }),
      ),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      text: fc.oneof(
        fc.constantFrom(
          '{"quantity": NaN}', '{"volume": Infinity}', '{"amount": -Infinity}', '{"a": 1e400}', '{', '}', '{"a":}', "{'a': 1}", 'null', '',
          '{"a":1,"a":2}', '\u0000', '[1,2', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"a":"\\ud800"}', '\ufeff{}',
        ),
        fc.string({ unit: 'binary', maxLength: 60 }),
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.oneof(fc.integer({ min: 30, max: 40 }), fc.integer({ min: 41, max: 130_000 })), arrays: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('oversized' as const), size: fc.integer({ min: 257 * 1024, max: 600 * 1024 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('path' as const), value: fc.oneof(fc.constantFrom('0', '-1', '1e3', '99999999999999999999', 'NaN', '%00', '..', '😀', ' ', 'a'.repeat(500), '__proto__'), fc.string({ maxLength: 30 })) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('idempotency' as const), key: fc.oneof(fc.constantFrom('', ' ', 'a b', 'k'.repeat(256), 'x'.repeat(255)), fc.string({ unit: fc.constantFrom(...' !"#%&()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\t'), maxLength: 20 })) }) },
);

interface Target {
  route: RouteSpec;
  shape: Schema | undefined;
  base: Record<string, unknown> | undefined;
}

/** The body of the shape a valid request would send: the matching example, or the required fields from the schema. */
function baseBody(route: RouteSpec, shape: Schema | undefined, values: Record<string, string>): Record<string, unknown> | undefined {
  if (!shape) return undefined;
  const properties = Object.keys(shape.properties ?? {});
  const example = [shape.example, ...route.examples].find(
    (e) => typeof e === 'object' && e !== null && !Array.isArray(e) && Object.keys(e).every((k) => properties.includes(k)) && (shape.required ?? []).every((r: string) => r in (e as object)),
  ) as Record<string, unknown> | undefined;
  const body: Record<string, unknown> = { ...(example ?? {}) };
  for (const name of shape.required ?? []) {
    if (name in body) continue;
    const s = shape.properties?.[name] ?? {};
    body[name] = s.example ?? (Array.isArray(s.enum) ? s.enum[0] : s.type === 'number' || s.type === 'integer' ? 1 : s.type === 'array' ? [] : 'x');
  }
  // The trader's own ids, so that the valid base reaches as deep as a real request would.
  if ('login' in body) body.login = Number(values.login);
  if ('account_name' in body) body.account_name = 'Main';
  if (Array.isArray(body.account_names)) body.account_names = ['Main'];
  return body;
}

/** The request one case sends, and what its mutation promises about the answer. */
function requestOf(target: Target, m: Mutation, values: Record<string, string>, oversized: Map<number, string>) {
  const { route, shape, base } = target;
  let pathValues = values;
  let text: string | undefined;
  let body: unknown = base === undefined ? undefined : structuredClone(base);
  let mustRefuse: string | undefined;
  let idempotencyKey: string | undefined;
  const fields = [...new Set([...Object.keys(shape?.properties ?? {}), ...Object.keys(base ?? {})])];
  const fieldAt = (n: number) => (fields.length > 0 ? fields[n % fields.length]! : 'field');
  const set = (field: string, value: unknown) => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) body = {};
    (body as Record<string, unknown>)[field] = value;
  };
  switch (m.kind) {
    case 'value':
      set(fieldAt(m.field), m.value);
      break;
    case 'values':
      for (const change of m.changes) set(fieldAt(change.field), change.value);
      break;
    case 'missing': {
      const required = (shape?.required ?? []) as string[];
      if (required.length > 0 && typeof body === 'object' && body !== null) {
        const field = required[m.field % required.length]!;
        delete (body as Record<string, unknown>)[field];
        mustRefuse = `without the required field ${field}`;
      }
      break;
    }
    case 'extra':
      if (m.key === '__proto__') text = JSON.stringify(body ?? {}).replace(/^\{/, `{"__proto__":${JSON.stringify(m.value ?? null)}${body && Object.keys(body as object).length > 0 ? ',' : ''}`);
      else set(m.key, m.value);
      if (shape && !Object.keys(shape.properties ?? {}).includes(m.key)) mustRefuse = `with the unknown field ${JSON.stringify(m.key)}`;
      break;
    case 'body':
      body = m.body;
      break;
    case 'raw':
      text = m.text;
      break;
    case 'deep':
      text = deepText(m.depth, m.arrays);
      if (m.depth > 32) mustRefuse = `nested ${m.depth} levels deep`;
      break;
    case 'oversized': {
      const kb = Math.floor(m.size / 1024);
      if (!oversized.has(kb)) oversized.set(kb, JSON.stringify({ ...(base ?? {}), comment: 'x'.repeat(kb * 1024) }));
      text = oversized.get(kb);
      mustRefuse = `of ${kb} KiB`;
      break;
    }
    case 'path':
      if (route.pathParams.length > 0) {
        const name = route.pathParams[m.value.length % route.pathParams.length]!;
        pathValues = { ...values, [name]: m.value };
      }
      break;
    case 'idempotency':
      idempotencyKey = m.key;
      // A client sends a header value without its surrounding blanks (fetch trims them).
      if (!/^[\x21-\x7e]{1,255}$/.test(m.key.replace(/^[ \t]+|[ \t]+$/g, ''))) mustRefuse = `with the Idempotency-Key ${JSON.stringify(m.key.slice(0, 20))}`;
      break;
  }
  const path = fillPath(route.path, pathValues);
  return { path, text: text ?? (body === undefined ? undefined : JSON.stringify(body)), mustRefuse, idempotencyKey };
}

interface TraderState {
  accounts: unknown[];
  open: unknown;
  pending: unknown;
}

/** Balances, margins, positions and pending orders of the trader (equity moves with prices, so it is left out). */
async function traderState(svc: Service, u: Actor): Promise<TraderState> {
  const accounts = (await svc.http('GET', '/api/v1/accounts', { token: u.token })).body.accounts.map((a: any) => ({ id: a.accountId, balance: a.balance, margin: a.margin }));
  const open = (await svc.http('GET', '/api/v1/trade/open', { token: u.token })).body.message.map((o: any) => [o.orderId, o.quantity, o.takeProfit, o.stopLoss]);
  const pending = (await svc.http('GET', `/users/current/accounts/${u.accountId}/orders`, { headers: { 'auth-token': u.token } })).body.map((o: any) => [o.id, o.volume, o.openPrice]);
  return { accounts, open, pending };
}

describe('hostile payloads are sent to every state-changing endpoint of every dialect', () => {
  let trader: Actor;
  let targets: Target[];
  let log: SqliteEventStore;

  beforeAll(async () => {
    const svc = service();
    await svc.ticks([
      { symbol: 'BTCUSD', bid: 42000, ask: 42010 },
      { symbol: 'EURUSD', bid: 1.1, ask: 1.10012 },
      { symbol: 'ETHUSD', bid: 2500, ask: 2500.5 },
    ]);
    trader = await createActor(svc, 'fuzz');
    const routes = (await documentedRoutes(svc)).filter((r) => r.method !== 'GET' && r.path !== '/api/v1/user/signout');
    const values = { ...NEUTRAL_PATH_VALUES, ...ownValues(trader) };
    targets = routes.flatMap((route) => (route.bodies.length > 0 ? route.bodies : [undefined]).map((shape) => ({ route, shape, base: baseBody(route, shape, values) })));
    log = new SqliteEventStore(join(svc.dataDir, 'events.sqlite'));
  });

  afterAll(async () => {
    await log?.close();
  });

  it(`answers ${CASES} generated cases without a 5xx, in the dialect's error shape, and changes nothing on a refusal`, async () => {
    const svc = service();
    const values = { ...NEUTRAL_PATH_VALUES, ...ownValues(trader) };
    const oversized = new Map<number, string>();
    const adminHeaders = { 'x-admin-token': svc.adminToken };
    const problems = { serverErrors: [] as string[], shapes: [] as string[], state: [] as string[], accepted: [] as string[] };
    const statuses: Record<string, number> = {};
    const perRoute: Record<string, number> = {};
    let cases = 0;
    let mt4OpenOrderErrors = 0;
    let head = await log.headPosition();
    let state = await traderState(svc, trader);

    await fc.assert(
      fc.asyncProperty(fc.nat(targets.length * 8 - 1), mutation, async (pick, m) => {
        const target = targets[pick % targets.length]!;
        const { route } = target;
        const request = requestOf(target, m, values, oversized);
        const auth = route.auth === 'admin' ? adminHeaders : route.auth === 'none' ? {} : userForms(route.dialect, trader)[pick % userForms(route.dialect, trader).length]!.headers;
        const headers: Record<string, string> = { ...auth, 'content-type': 'application/json' };
        if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
        cases += 1;
        perRoute[`${route.method} ${route.path}`] = (perRoute[`${route.method} ${route.path}`] ?? 0) + 1;
        const where = () => `${route.method} ${request.path} ${m.kind} ${(request.text ?? '').slice(0, 160)}`;

        let status: number;
        let body: unknown;
        try {
          const response = await fetch(`${svc.baseUrl}${request.path}`, { method: route.method, headers, body: request.text, signal: AbortSignal.timeout(20_000) });
          status = response.status;
          const text = await response.text();
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        } catch (error) {
          problems.serverErrors.push(`${where()}: no answer (${(error as Error).message})`);
          return true;
        }
        statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
        // Seed 001 answers the engine's refusal of a trade with 500 OPEN_ORDER_ERROR (its result code in the
        // message): the dialect's business refusal, not a failure of the server. Counted apart, checked as a refusal.
        const seedRefusal = route.dialect === 'mt4' && status === 500 && (body as any)?.error === 'OPEN_ORDER_ERROR' && /^TRADE_RETCODE_[A-Z_]+ \(\d+\)/.test((body as any)?.message);
        if (seedRefusal) mt4OpenOrderErrors += 1;
        else if (status >= 500) problems.serverErrors.push(`${where()}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
        // A fuzzed path parameter may leave the dialect (`..` is resolved before the request is sent): judge by the path served.
        const dialect = dialectOf(new URL(request.path, svc.baseUrl).pathname);
        if (status >= 400 && !hasErrorShape(dialect, status, body)) {
          problems.shapes.push(`${where()}: ${status} ${JSON.stringify(body).slice(0, 200)} is not ${ERROR_SHAPE[dialect]}`);
        }
        if (request.mustRefuse && status < 400) problems.accepted.push(`${where()}: accepted a body ${request.mustRefuse} (${status})`);

        // What the log gained meanwhile: on a refusal, nothing but audit records (and the clock's own work).
        const newHead = await log.headPosition();
        let clockMoved = false;
        if (newHead !== head) {
          const added = await log.readAll({ after: head, maxCount: 10_000 });
          clockMoved = added.some((e) => e.metadata.correlationId === CLOCK);
          if (status >= 400) {
            const changes = added.filter((e) => !AUDIT_ONLY.has(e.type) && e.metadata.correlationId !== CLOCK);
            if (changes.length > 0) problems.state.push(`${where()}: ${status}, yet the log gained ${changes.map((e) => e.type).join(', ')}`);
          }
          head = newHead;
        }
        if (status >= 400 && !clockMoved) {
          const after = await traderState(svc, trader);
          if (JSON.stringify(after) !== JSON.stringify(state)) problems.state.push(`${where()}: ${status}, yet the trader's state changed: ${JSON.stringify(state)} → ${JSON.stringify(after)}`);
          state = after;
        } else {
          state = await traderState(svc, trader);
        }
        return true;
      }),
      { numRuns: CASES, seed: SEED },
    );

    const fuzz5xx = problems.serverErrors.length;
    recordChaosMetrics('fuzz', {
      fuzz_cases: cases,
      fuzz_5xx: fuzz5xx,
      fuzz_mt4_open_order_errors: mt4OpenOrderErrors,
      fuzz_shape_violations: problems.shapes.length,
      fuzz_state_violations: problems.state.length,
      fuzz_accepted_invalid: problems.accepted.length,
      fuzz_endpoints: Object.keys(perRoute).length,
      fuzz_seed: SEED,
      fuzz_statuses: statuses,
    });
    expect(cases).toBe(CASES);
    expect(Object.keys(perRoute).length).toBeGreaterThanOrEqual(15);
    const firstOf = (list: string[]) => list.slice(0, 8);
    expect({ serverErrors: firstOf(problems.serverErrors), shapes: firstOf(problems.shapes), state: firstOf(problems.state), accepted: firstOf(problems.accepted) }).toEqual({
      serverErrors: [],
      shapes: [],
      state: [],
      accepted: [],
    });
  });

  it('leaves the service alive, unpolluted and trading', async () => {
    const svc = service();
    expect((await svc.http('GET', '/health/live')).status).toBe(200);
    const reads = await Promise.all([
      svc.http('GET', '/api/v1/accounts', { token: trader.token }),
      svc.http('GET', '/api/v1/symbols'),
      svc.http('GET', `/users/current/accounts/${trader.accountId}/account-information`, { headers: { 'auth-token': trader.token } }),
    ]);
    for (const read of reads) {
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toMatch(/polluted|isAdmin/);
    }
    // The fuzzed admin calls may have moved prices, groups and the trader's money: a new trader at a fresh price.
    await svc.tick('BTCUSD', 42000, 42010);
    const fresh = await svc.signup();
    const order = await svc.http('POST', '/api/v1/trade/create', { token: fresh.token, body: { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 } });
    expect({ status: order.status, body: order.body }).toEqual({ status: 200, body: { message: 'Order created successfully', orderId: expect.any(String) } });
  });
});
