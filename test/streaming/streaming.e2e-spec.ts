/**
 * The stream (README "Streaming") against the running service: a client subscribed over WebSocket
 * while trading over HTTP receives every event of its account in log order, exactly as the audit
 * trail lists them; a client that reconnects with its last position gets exactly what it missed;
 * nobody receives another user's events; server-sent events carry the same messages.
 */
import { jest } from '@jest/globals';
import { useService, type Service, type TestUser } from '../support/service.js';
import { closeOrder, createOrder } from '../support/trading.js';
import { SseClient, WsClient, type StreamMessage } from './stream-clients.js';

jest.setTimeout(60_000);

const service = useService();

/** The account's events after `position`, as the audit trail lists them: `[position, type]`. */
async function loggedAfter(svc: Service, user: TestUser, position: number): Promise<[number, string][]> {
  const page = await svc.http('GET', `/api/v1/audit/accounts/${user.accountId}/events?limit=1000`, { token: user.token });
  expect(page.status).toBe(200);
  return (page.body.events as { position: number; type: string }[]).filter((e) => e.position > position).map((e) => [e.position, e.type]);
}

const received = (messages: StreamMessage[]): [number, string][] => messages.filter((m) => m.type === 'event').map((m) => [m.position, m.event]);

async function ok(result: Promise<{ status: number; body: unknown }>): Promise<any> {
  const answer = await result;
  if (answer.status !== 200) throw new Error(`expected 200, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

describe('Streaming over WebSocket and server-sent events', () => {
  describe('a user subscribed to their account while trading over HTTP', () => {
    it('receives every event of the account in log order: opened, rejected, partly and fully closed, take profit, deposit', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 42000, 42010);
      const client = await WsClient.open(svc.baseUrl, { token: user.token, symbols: 'BTCUSD' });
      await client.waitForType('live');
      const welcome = client.messages.find((m) => m.type === 'welcome')!;
      expect(welcome).toMatchObject({ access: 'user', userId: user.userId, accounts: [user.accountId], symbols: ['BTCUSD'] });

      const first = (await ok(createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 }))).orderId as string;
      const second = (await ok(createOrder(svc, user, { symbol: 'BTCUSD', type: 'SELL', quantity: 0.2, leverage: 10, takeProfit: 41000 }))).orderId as string;
      const refused = await createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 100, leverage: 1 });
      expect(refused.status).toBe(400);
      await ok(closeOrder(svc, user, { orderId: first, quantity: 0.2 }));
      await ok(closeOrder(svc, user, { orderId: first }));
      await svc.tick('BTCUSD', 40990, 41000); // the SELL's take profit: ask ≤ 41000
      expect((await svc.adminBalance(user.accountId, 250, 'bonus')).status).toBe(200);

      const expected = await loggedAfter(svc, user, welcome.head as number);
      await client.waitForPosition(expected[expected.length - 1]![0]);
      // Prices of the subscribed symbol arrive as they change (conflated to the latest every 100 ms).
      await client.waitFor('the BTCUSD price 40990/41000', (messages) => messages.some((m) => m.type === 'price' && m.symbol === 'BTCUSD' && m.bid === 40990 && m.ask === 41000));
      await client.close();

      expect(received(client.messages)).toEqual(expected);
      const events = client.events();
      expect(events.map((e) => e.topic)).toEqual([
        'position.opened',
        'position.opened',
        'order.rejected',
        'position.closed',
        'position.closed',
        'position.closed',
        'balance.changed',
      ]);
      expect(events.map((e) => (e.topic === 'order.rejected' ? e.data.code : (e.data.reason ?? null)))).toEqual([null, null, 'TRADE_RETCODE_NO_MONEY', 'PARTIAL', 'MANUAL', 'TAKE_PROFIT', null]);
      expect(events[0]).toMatchObject({ accountId: user.accountId, data: { orderId: Number(first), side: 'BUY', volume: '0.5', openPrice: '42010' } });
      expect(events[5]).toMatchObject({ data: { orderId: Number(second), closePrice: '41000' } });
      for (const event of events) {
        expect(event.metadata).toEqual({ timestamp: expect.any(String), correlationId: expect.any(String), causationId: expect.any(String) });
      }
      // Summaries follow the events: balance, equity, margin and the open positions priced live.
      const summaries = client.messages.filter((m) => m.type === 'summary');
      expect(summaries.length).toBeGreaterThan(0);
      expect(summaries[summaries.length - 1]).toMatchObject({ accountId: user.accountId, positions: expect.any(Array), balance: expect.any(Number), equity: expect.any(Number) });
    });
  });

  describe('a client that disconnects while more happens on its account', () => {
    it('gets exactly the missed events when it reconnects with its last position, then live ones', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('ETHUSD', 1900, 1900.5);
      const first = await WsClient.open(svc.baseUrl, { token: user.token });
      await first.waitForType('live');
      const opened = (await ok(createOrder(svc, user, { symbol: 'ETHUSD', type: 'BUY', quantity: 1, leverage: 10 }))).orderId as string;
      const [[openedAt]] = await loggedAfter(svc, user, first.messages[0]!.head as number);
      await first.waitForPosition(openedAt!);
      await first.close();
      const last = first.positions()[first.positions().length - 1]!;

      // While nobody listens: a second position, a partial close, a deposit.
      await ok(createOrder(svc, user, { symbol: 'ETHUSD', type: 'SELL', quantity: 2, leverage: 20 }));
      await ok(closeOrder(svc, user, { orderId: opened, quantity: 0.4 }));
      expect((await svc.adminBalance(user.accountId, 100)).status).toBe(200);
      const missed = await loggedAfter(svc, user, last);
      expect(missed.map(([, type]) => type)).toEqual(['PositionOpened', 'PositionClosed', 'BalanceChanged']);

      const again = await WsClient.open(svc.baseUrl, { token: user.token, from: last });
      await again.waitForType('live');
      expect(received(again.messages)).toEqual(missed);
      expect(again.messages.find((m) => m.type === 'live')).toEqual({ type: 'live', position: missed[missed.length - 1]![0] });

      await ok(closeOrder(svc, user, { orderId: opened }));
      const [closing] = await loggedAfter(svc, user, missed[missed.length - 1]![0]);
      await again.waitForPosition(closing![0]);
      await again.close();
      expect(received(again.messages)).toEqual([...missed, closing]);
      expect(new Set(again.positions()).size).toBe(again.positions().length);
    });
  });

  describe('two users streaming at once', () => {
    it("never delivers one user's events to the other, and refuses another user's account as unknown (4004)", async () => {
      const svc = service();
      const alice = await svc.signup();
      const bob = await svc.signup();
      await svc.tick('BTCUSD', 42000, 42010);
      const bobStream = await WsClient.open(svc.baseUrl, { token: bob.token, from: 0 });
      await bobStream.waitForType('live');

      await ok(createOrder(svc, alice, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.1, leverage: 10 }));
      expect((await svc.adminBalance(alice.accountId, 50)).status).toBe(200);
      expect((await svc.adminBalance(bob.accountId, 75)).status).toBe(200);
      const bobsLog = await loggedAfter(svc, bob, 0);
      await bobStream.waitForPosition(bobsLog[bobsLog.length - 1]![0]);
      await bobStream.close();

      expect(received(bobStream.messages)).toEqual(bobsLog);
      expect(bobStream.events().every((e) => e.accountId === bob.accountId)).toBe(true);

      const snooping = await WsClient.open(svc.baseUrl, { token: bob.token, accounts: alice.accountId, from: 0 });
      expect(await snooping.closed).toEqual({ code: 4004, reason: 'account not found' });
      expect(snooping.events()).toEqual([]);
    });
  });

  describe('a connection without valid credentials', () => {
    it('is closed with 4001 after a bad token in its first message, having received no event', async () => {
      const svc = service();
      const client = await WsClient.open(svc.baseUrl);
      client.send({ type: 'auth', token: 'not-a-jwt', from: 0 });

      expect(await client.closed).toEqual({ code: 4001, reason: 'unauthorized' });
      expect(client.events()).toEqual([]);
    });

    it('authenticates with a first message carrying the token and a resume position', async () => {
      const svc = service();
      const user = await svc.signup();
      const client = await WsClient.open(svc.baseUrl);
      client.send({ type: 'auth', token: user.token, from: 0 });
      await client.waitForType('live');
      await client.close();

      expect(received(client.messages)).toEqual(await loggedAfter(svc, user, 0));
      expect(client.events()[0]).toMatchObject({ topic: 'account.opened', accountId: user.accountId });
    });
  });

  describe('a simple client on server-sent events', () => {
    it('receives the same messages with `id: <position>` and resumes from Last-Event-ID', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('EURUSD', 1.085, 1.0852);
      const refused = await SseClient.open(svc.baseUrl, {});
      expect(refused.status).toBe(401);

      const sse = await SseClient.open(svc.baseUrl, { token: user.token, from: 0, symbols: 'EURUSD' });
      expect(sse.status).toBe(200);
      await sse.waitForType('live');
      await ok(createOrder(svc, user, { symbol: 'EURUSD', type: 'BUY', quantity: 1, leverage: 100 }));
      const logged = await loggedAfter(svc, user, 0);
      await sse.waitForPosition(logged[logged.length - 1]![0]);
      await sse.waitFor('a EURUSD price', (messages) => messages.some((m) => m.type === 'price' && m.symbol === 'EURUSD'));
      await sse.close();

      expect(received(sse.messages)).toEqual(logged);
      for (const event of sse.events()) expect(event.sseId).toBe(String(event.position));
      expect(sse.messages.find((m) => m.type === 'price')).toMatchObject({ symbol: 'EURUSD', bid: 1.085, ask: 1.0852 });

      // An EventSource reconnecting sends the last id it saw: only what came after it arrives.
      const resumeAfter = logged[1]![0];
      const resumed = await SseClient.open(svc.baseUrl, { token: user.token, from: 0 }, { 'last-event-id': String(resumeAfter) });
      await resumed.waitForType('live');
      await resumed.close();
      expect(received(resumed.messages)).toEqual(logged.slice(2));
    });
  });

  describe('a live connection changing its price symbols', () => {
    it('gets the current price on subscribe, changes after it, and nothing once unsubscribed', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('XAUUSD', 2350.1, 2350.5);
      const client = await WsClient.open(svc.baseUrl, { token: user.token });
      await client.waitForType('live');

      client.send({ type: 'subscribe', symbols: ['XAUUSD'] });
      await client.waitFor('the XAUUSD snapshot', (messages) => messages.some((m) => m.type === 'price' && m.bid === 2350.1));
      await svc.tick('XAUUSD', 2351.2, 2351.6);
      await client.waitFor('the XAUUSD change', (messages) => messages.some((m) => m.type === 'price' && m.bid === 2351.2));
      client.send({ type: 'unsubscribe', symbols: ['XAUUSD'] });
      await client.waitFor('the unsubscription', (messages) => messages.some((m) => m.type === 'subscribed' && m.symbols.length === 0));
      // A still-subscribed symbol ticked after the unsubscribed one: once its price is here, an
      // XAUUSD price would have been sent before it (prices go out in one pass per interval).
      client.send({ type: 'subscribe', symbols: ['SOLUSD'] });
      await client.waitFor('the SOLUSD subscription', (messages) => messages.some((m) => m.type === 'subscribed' && m.symbols.includes('SOLUSD')));
      await svc.tick('XAUUSD', 2352.3, 2352.7);
      await svc.tick('SOLUSD', 150.1, 150.2);
      await client.waitFor('the SOLUSD price', (messages) => messages.some((m) => m.type === 'price' && m.symbol === 'SOLUSD'));
      client.send({ type: 'ping' });
      await client.waitForType('pong');
      await client.close();

      const prices = client.messages.filter((m) => m.type === 'price').map((m) => [m.symbol, m.bid, m.ask]);
      expect(prices).toEqual([
        ['XAUUSD', 2350.1, 2350.5],
        ['XAUUSD', 2351.2, 2351.6],
        ['SOLUSD', 150.1, 150.2],
      ]);
      expect(client.messages.some((m) => m.type === 'error')).toBe(false);
    });
  });

  describe('the admin token', () => {
    it('streams the events of any account it names', async () => {
      const svc = service();
      const user = await svc.signup();
      const admin = await WsClient.open(svc.baseUrl);
      admin.send({ type: 'auth', adminToken: svc.adminToken, accounts: [user.accountId], from: 0 });
      await admin.waitForType('live');
      expect((await svc.adminBalance(user.accountId, 10)).status).toBe(200);
      const logged = await loggedAfter(svc, user, 0);
      await admin.waitForPosition(logged[logged.length - 1]![0]);
      await admin.close();

      expect(received(admin.messages)).toEqual(logged);
    });
  });
});
