/**
 * Streaming in the distributed deployment (test/support/cluster.ts: engine, projector and two API
 * instances as separate processes): every API instance follows the projector's events relay
 * (`<prefix>events`), so a subscriber on one instance receives what is traded through another,
 * and resumes on either instance from its last position. A missing Redis fails the suite in CI.
 */
import { jest } from '@jest/globals';
import { describeWithRedis } from '../../libs/platform/src/testing/redis-availability.js';
import { useCluster, type ApiInstance } from '../support/cluster.js';
import type { TestUser } from '../support/service.js';
import { WsClient, type StreamMessage } from './stream-clients.js';

jest.setTimeout(90_000);

async function loggedAfter(api: ApiInstance, user: TestUser, position: number): Promise<[number, string][]> {
  const page = await api.http('GET', `/api/v1/audit/accounts/${user.accountId}/events?limit=1000`, { token: user.token });
  expect(page.status).toBe(200);
  return (page.body.events as { position: number; type: string }[]).filter((e) => e.position > position).map((e) => [e.position, e.type]);
}

const received = (messages: StreamMessage[]): [number, string][] => messages.filter((m) => m.type === 'event').map((m) => [m.position, m.event]);

async function trade(api: ApiInstance, user: TestUser, body: Record<string, unknown>): Promise<string> {
  const result = await api.http('POST', '/api/v1/trade/create', { token: user.token, body });
  if (result.status !== 200) throw new Error(`create answered ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.orderId as string;
}

await describeWithRedis('Streaming across API instances (distributed deployment)', ({ url }) => {
  const cluster = useCluster(() => ({ redisUrl: url, apis: 2, label: 'streaming-e2e' }));

  describe('a subscriber on one API instance while trades go through another', () => {
    it('receives every event in log order, and after a disconnect resumes on the other instance with exactly the missed ones', async () => {
      const [one, two] = [cluster().api(1), cluster().api(2)];
      const user = await one.signup();
      await one.tick('BTCUSD', 42000, 42010);

      const onTwo = await WsClient.open(two.baseUrl, { token: user.token, from: 0 });
      await onTwo.waitForType('live');
      const first = await trade(one, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.3, leverage: 10 });
      await trade(one, user, { symbol: 'BTCUSD', type: 'SELL', quantity: 0.1, leverage: 10 });
      const logged = await loggedAfter(one, user, 0);
      await onTwo.waitForPosition(logged[logged.length - 1]![0]);
      await onTwo.close();
      expect(received(onTwo.messages)).toEqual(logged);
      const last = logged[logged.length - 1]![0];

      // Disconnected: more happens through instance 2; the client comes back on instance 1.
      const closed = await two.http('POST', '/api/v1/trade/close', { token: user.token, body: { orderId: first } });
      expect(closed.status).toBe(200);
      await trade(two, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.2, leverage: 5 });
      const missed = await loggedAfter(two, user, last);
      expect(missed.map(([, type]) => type)).toEqual(['PositionClosed', 'PositionOpened']);

      const onOne = await WsClient.open(one.baseUrl, { token: user.token, from: last });
      await onOne.waitForType('live');
      await trade(two, user, { symbol: 'BTCUSD', type: 'SELL', quantity: 0.05, leverage: 5 });
      const [live] = await loggedAfter(two, user, missed[missed.length - 1]![0]);
      await onOne.waitForPosition(live![0]);
      await onOne.close();

      expect(received(onOne.messages)).toEqual([...missed, live]);
    });
  });

  describe('an API instance scraped by Prometheus', () => {
    it('exposes its request counts and the read models lag behind the log', async () => {
      const api = cluster().api(1);
      const scrape = await api.http('GET', '/metrics');

      expect(scrape.status).toBe(200);
      expect(scrape.body).toMatch(/^http_requests_total\{method="POST",route="\/api\/v1\/trade\/create",status="200",dialect="api-v1"\} \d+$/m);
      expect(scrape.body).toMatch(/^projector_lag_events \d+$/m);
      expect(scrape.body).toMatch(/^engine_lag_events\{shard="0"\} \d+$/m);
    });
  });
});
