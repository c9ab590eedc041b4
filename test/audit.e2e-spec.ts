/**
 * Audit and replay (API.md "Audit and replay"), over HTTP against the service as `npm start` runs it:
 * a history built through the API, read back from the log in order and page by page, exported as
 * CSV and JSON, and folded to past moments that must equal what the API showed at those moments;
 * then, with the service stopped, `rebuild` from the log after deleting the read models (the API
 * answers exactly as before) and `verify` (clean, then a clear diff after a row is tampered with).
 */
import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, useService, type HttpResult, type Service, type TestUser } from './support/service.js';
import { account, closedOrders, closeOrder, openOrders, openPosition, pick } from './support/trading.js';

jest.setTimeout(120_000);

const service = useService();

const TOOLS = join(REPO_ROOT, 'dist', 'apps', 'tools', 'src');
const POSITION_FIELDS = ['orderId', 'accountId', 'symbol', 'type', 'quantity', 'leverage', 'openPrice', 'margin', 'takeProfit', 'stopLoss', 'openTime'] as const;

/** Runs a compiled tool on the service's DATA_DIR and environment, as `npm run <tool>` would after its build. */
function tool(svc: Service, name: 'rebuild' | 'verify') {
  const file = join(TOOLS, `${name}.js`);
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npm run build\` first`);
  const result = spawnSync(process.execPath, [file], { cwd: REPO_ROOT, env: svc.env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Moment {
  at: string;
  revision: number;
  account: { balance: number; margin: number };
  positions: Record<string, unknown>[];
}

async function allEvents(svc: Service, user: TestUser, limit: number): Promise<{ events: any[]; pages: number }> {
  const events: any[] = [];
  let from: number | undefined = 0;
  let pages = 0;
  while (from !== undefined) {
    const page: HttpResult<{ events: any[]; next?: number }> = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events?from=${from}&limit=${limit}`, {
      token: user.token,
    });
    expect(page.status).toBe(200);
    events.push(...page.body.events);
    pages += 1;
    from = page.body.next;
  }
  return { events, pages };
}

describe('Audit and replay', () => {
  let user: TestUser;
  let other: TestUser;
  const moments: Moment[] = [];

  /** What the API shows right now, with the time and the account's last revision. */
  async function record(): Promise<void> {
    const svc = service();
    const { events } = await allEvents(svc, user, 1_000);
    const now = pick(await account(svc, user), ['balance', 'margin']) as Moment['account'];
    const positions = (await openOrders(svc, user)).map((row) => pick(row, POSITION_FIELDS));
    moments.push({ at: new Date().toISOString(), revision: events[events.length - 1].revision, account: now, positions });
    // Whatever the engine decides next is stamped strictly later than this moment.
    await sleep(20);
  }

  beforeAll(async () => {
    const svc = service();
    user = await svc.signup();
    other = await svc.signup();
    await svc.tick('BTCUSD', 42000, 42010);
    await svc.tick('EURUSD', 1.0845, 1.0846);
    const btc = await openPosition(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10, takeProfit: 43000 });
    await record(); // t1: one position
    expect((await svc.adminBalance(user.accountId, 500, 'bonus')).status).toBe(200);
    const created = await svc.http('POST', '/api/v1/trade/create', {
      token: user.token,
      headers: { 'x-request-id': 'audit-e2e-eurusd' },
      body: { symbol: 'EURUSD', type: 'SELL', quantity: 1, leverage: 100, stopLoss: 1.095 },
    });
    expect(created.status).toBe(200);
    await record(); // t2: two positions, 10500
    const eur = created.body.orderId as string;
    expect((await closeOrder(svc, user, { orderId: eur, quantity: 0.4 })).status).toBe(200);
    await svc.tick('BTCUSD', 43000, 43010); // the BTCUSD take profit fires
    expect((await openOrders(svc, user)).map((o) => o.orderId)).toEqual([eur]);
    await record(); // t3: the partly closed EURUSD position
    expect((await svc.adminBalance(user.accountId, -100, 'fees')).status).toBe(200);
    await openPosition(svc, other, { symbol: 'BTCUSD', type: 'SELL', quantity: 0.1, leverage: 5 });
    await record(); // now
    expect(btc).not.toBe(eur);
  });

  describe('an account with a trading history', () => {
    it('lists its events in order, page by page, with revision, position, type, data and metadata', async () => {
      const svc = service();
      const whole = await allEvents(svc, user, 1_000);
      const paged = await allEvents(svc, user, 3);
      expect(paged.events).toEqual(whole.events);
      expect(paged.pages).toBe(Math.ceil(whole.events.length / 3));
      expect(whole.events.map((e) => e.revision)).toEqual(whole.events.map((_, i) => i));
      const positions = whole.events.map((e) => e.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(positions.length);
      expect(whole.events.map((e) => e.type)).toEqual([
        'AccountOpened',
        'BalanceChanged',
        'PositionOpened',
        'BalanceChanged',
        'PositionOpened',
        'PositionClosed',
        'PositionClosed',
        'BalanceChanged',
      ]);
      for (const e of whole.events) {
        expect(Object.keys(e).sort()).toEqual(['data', 'metadata', 'position', 'revision', 'type']);
        expect(Object.keys(e.metadata).sort()).toEqual(['causationId', 'correlationId', 'timestamp']);
        expect(e.metadata.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(e.data.accountId).toBe(Number(user.accountId));
      }
      // The request that caused it: the client's x-request-id; the tick batch for the take profit.
      const eurOpen = whole.events[4];
      expect(eurOpen.data).toMatchObject({ symbol: 'EURUSD', side: 'SELL', volume: '1' });
      expect(eurOpen.metadata.correlationId).toBe('audit-e2e-eurusd');
      const takeProfit = whole.events[6];
      expect(takeProfit.data).toMatchObject({ symbol: 'BTCUSD', reason: 'TAKE_PROFIT' });
      expect(takeProfit.metadata.correlationId).not.toBe(eurOpen.metadata.correlationId);
    });

    it('answers a page past the end with no events and no next', async () => {
      const result = await service().http('GET', `/api/v1/audit/accounts/${user.accountId}/events?from=999`, { token: user.token });
      expect(result).toMatchObject({ status: 200, body: { events: [] } });
      expect(result.body.next).toBeUndefined();
    });

    it('shows the admin token the same history, and another user a 404 as if the account did not exist', async () => {
      const svc = service();
      const mine = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events?limit=1000`, { token: user.token });
      const admin = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events?limit=1000`, { headers: { 'x-admin-token': svc.adminToken } });
      expect(admin).toMatchObject({ status: 200, body: mine.body });
      for (const path of ['events', 'state', 'events?format=csv']) {
        const theirs = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/${path}`, { token: other.token });
        const missing = await svc.http('GET', `/api/v1/audit/accounts/999999/${path}`, { token: other.token });
        expect({ status: theirs.status, body: theirs.body }).toEqual({ status: 404, body: { error: 'Account not found' } });
        expect({ status: missing.status, body: missing.body }).toEqual({ status: 404, body: { error: 'Account not found' } });
      }
      expect((await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events`)).status).toBe(401);
      expect((await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events`, { headers: { 'x-admin-token': 'wrong' } })).status).toBe(403);
      expect((await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events?limit=0`, { token: user.token })).status).toBe(400);
    });

    it('never shows a password hash', async () => {
      const svc = service();
      for (const path of ['events?limit=1000', 'events?format=csv', 'events?format=json', 'state']) {
        const result = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/${path}`, { headers: { 'x-admin-token': svc.adminToken } });
        const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
        expect(text).not.toMatch(/passwordHash|argon2/i);
      }
    });

    it('shows, at each past moment, the balance, margin and positions the API showed then', async () => {
      const svc = service();
      expect(moments).toHaveLength(4);
      for (const moment of moments) {
        for (const at of [moment.at, String(moment.revision)]) {
          const result = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/state?at=${encodeURIComponent(at)}`, { token: user.token });
          expect(result.status).toBe(200);
          expect({ at, balance: result.body.balance, margin: result.body.margin }).toEqual({ at, ...moment.account });
          expect(result.body.positions.map((p: Record<string, unknown>) => pick(p, POSITION_FIELDS))).toEqual(moment.positions);
          expect(result.body.at.revision).toBe(moment.revision);
          expect(result.body.pendingOrders).toEqual([]);
        }
      }
      expect(moments.map((m) => m.positions.length)).toEqual([1, 2, 1, 1]);
      const before = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/state?at=2000-01-01T00:00:00Z`, { token: user.token });
      expect(before.status).toBe(404);
      expect((await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/state?at=soon`, { token: user.token })).status).toBe(400);
    });

    it('exports its history as CSV with a header row and one row per event, and as JSON', async () => {
      const svc = service();
      const { events } = await allEvents(svc, user, 1_000);
      const csv = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events?format=csv`, { token: user.token });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="account-${user.accountId}-events.csv"`);
      const lines = (csv.body as string).trimEnd().split('\r\n');
      expect(lines).toHaveLength(events.length + 1);
      const header = lines[0]!.split(',');
      expect(header.slice(0, 6)).toEqual(['revision', 'position', 'type', 'timestamp', 'correlationId', 'causationId']);
      expect(header).toEqual(expect.arrayContaining(['data.balance', 'data.quote.bid', 'data.profit']));
      const row = (i: number) => lines[i + 1]!.split(',');
      expect(row(4).slice(0, 5)).toEqual([String(events[4].revision), String(events[4].position), 'PositionOpened', events[4].metadata.timestamp, 'audit-e2e-eurusd']);
      expect(row(6)[header.indexOf('data.reason')]).toBe('TAKE_PROFIT');
      expect(row(6)[header.indexOf('data.quote.bid')]).toBe(events[6].data.quote.bid);

      const json = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events?format=json`, { token: user.token });
      expect(json.status).toBe(200);
      expect(json.headers.get('content-disposition')).toBe(`attachment; filename="account-${user.accountId}-events.json"`);
      expect(json.body).toMatchObject({ accountId: user.accountId, events });
    });
  });

  describe('the read models deleted while the service is stopped', () => {
    it('are rebuilt from the log, twice the same, and the API answers exactly as before', async () => {
      const svc = service();
      const answers = async () => ({
        accounts: (await svc.http('GET', '/api/v1/accounts', { token: user.token })).body.accounts.map((a: any) => pick(a, ['accountId', 'balance', 'margin', 'leverage', 'group'])),
        open: await openOrders(svc, user),
        closed: await closedOrders(svc, user),
        theirs: await openOrders(svc, other),
        signin: (await svc.http('POST', '/api/v1/user/signin', { body: { email: user.email, password: user.password } })).status,
      });
      const before = await answers();
      await svc.stop();
      expect(existsSync(join(svc.dataDir, 'engine-snapshot.json'))).toBe(true);
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(svc.dataDir, `read-models.sqlite${suffix}`), { force: true });

      const first = tool(svc, 'rebuild');
      expect({ status: first.status, stderr: first.stderr }).toMatchObject({ status: 0 });
      expect(first.stderr).toMatch(/rebuild: \d+ events \(100%/);
      expect(first.stdout).toMatch(/Read models rebuilt from \d+ events/);
      const second = tool(svc, 'rebuild');
      expect(second.status).toBe(0);
      expect(second.stdout.replace(/ in [\d.]+ s/, '')).toBe(first.stdout.replace(/ in [\d.]+ s/, ''));

      await svc.restart();
      await svc.tick('BTCUSD', 43000, 43010);
      await svc.tick('EURUSD', 1.0845, 1.0846);
      // Open rows carry live prices: the same ticks as before the restart give the same rows.
      expect(await answers()).toEqual(before);
    });
  });

  describe('verify on a stopped service', () => {
    it('passes on an untouched DATA_DIR', async () => {
      const svc = service();
      await svc.stop();
      const result = tool(svc, 'verify');
      expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: expect.stringContaining('OK: the read models, the engine state, the snapshot and every balance agree with the log.') });
      expect(result.stdout).toMatch(/engine snapshot .*engine-snapshot\.json: position \d+/);
    });

    it('fails with a clear diff after an account balance is changed in the read-model file', async () => {
      const svc = service();
      await svc.stop();
      const db = new Database(join(svc.dataDir, 'read-models.sqlite'));
      const doc = JSON.parse(db.prepare<[number], string>('SELECT doc FROM accounts WHERE account_id = ?').pluck().get(Number(user.accountId))!);
      const real = doc.balance as string;
      doc.balance = '99999.99';
      db.prepare('UPDATE accounts SET doc = ? WHERE account_id = ?').run(JSON.stringify(doc), Number(user.accountId));
      db.close();

      const result = tool(svc, 'verify');
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('FAILED: 3 differences:');
      expect(result.stdout).toContain(`[read-models] accounts ${user.accountId} .balance: read model "99999.99", log (fresh projection) "${real}"`);
      expect(result.stdout).toContain(`[engine] accounts ${user.accountId} .balance: read model "99999.99", engine state (log) "${real}"`);
      expect(result.stdout).toContain(`[money] accounts ${user.accountId} .balance: the read model shows the balance 99999.99, but deposits 10500 − withdrawals 100`);

      // The cure: rebuild from the log, and verify is clean again.
      expect(tool(svc, 'rebuild').status).toBe(0);
      expect(tool(svc, 'verify').status).toBe(0);
    });

    it('refuses to run while the service is running', async () => {
      const svc = service();
      await svc.restart();
      const result = tool(svc, 'verify');
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/The service \(pid \d+\) is running/);
    });
  });
});
