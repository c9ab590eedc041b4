/**
 * Prometheus `/metrics` and `/health` of the running service (`npm start`, embedded): after some
 * trades, ticks and a refused order, the counters and histograms named in the README moved.
 */
import { jest } from '@jest/globals';
import { useService, type Service } from '../support/service.js';
import { closeOrder, createOrder } from '../support/trading.js';

jest.setTimeout(60_000);

const service = useService();

type Samples = Map<string, number>;

/** `name{a="1",b="2"} value` lines → a map keyed by `name{a="1",b="2"}` (labels as printed). */
function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function scrape(svc: Service): Promise<{ samples: Samples; text: string; contentType: string | null }> {
  const result = await svc.http('GET', '/metrics');
  expect(result.status).toBe(200);
  return { samples: parse(result.body as string), text: result.body as string, contentType: result.headers.get('content-type') };
}

/** The value of a sample (0 when absent: a counter that never moved is not printed with its labels). */
const value = (samples: Samples, key: string) => samples.get(key) ?? 0;

/** Sum of every sample of `name` whose labels include all of `labels`. */
function sum(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [key, sample] of samples) {
    const brace = key.indexOf('{');
    if ((brace < 0 ? key : key.slice(0, brace)) !== name) continue;
    if (Object.entries(labels).every(([label, wanted]) => key.includes(`${label}="${wanted}"`))) total += sample;
  }
  return total;
}

describe('Metrics and health', () => {
  describe('a service that took trades, ticks and a refused order since the last scrape', () => {
    it('shows the request, engine, tick, rejection, append and position counters moved', async () => {
      const svc = service();
      const user = await svc.signup();
      await svc.tick('BTCUSD', 42000, 42010);
      const before = await scrape(svc);

      const opened = await createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 0.5, leverage: 10 });
      expect(opened.status).toBe(200);
      await createOrder(svc, user, { symbol: 'BTCUSD', type: 'SELL', quantity: 0.1, leverage: 10 });
      const refused = await createOrder(svc, user, { symbol: 'BTCUSD', type: 'BUY', quantity: 100, leverage: 1 });
      expect(refused.status).toBe(400);
      await svc.ticks([
        { symbol: 'BTCUSD', bid: 42050, ask: 42060 },
        { symbol: 'ETHUSD', bid: 1900, ask: 1900.5 },
      ]);
      await svc.tick('BTCUSD', 42100, 42110);
      expect((await closeOrder(svc, user, { orderId: opened.body.orderId })).status).toBe(200);
      // The MetaApi dialect is labelled as such.
      await svc.http('GET', `/users/current/accounts/${user.accountId}/positions`, { token: user.token });

      const after = await scrape(svc);

      expect(after.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      const created = 'http_requests_total{method="POST",route="/api/v1/trade/create",status="200",dialect="api-v1"}';
      expect(value(after.samples, created) - value(before.samples, created)).toBe(2);
      expect(sum(after.samples, 'http_request_duration_seconds_count', { route: '/api/v1/trade/create', dialect: 'api-v1' })).toBeGreaterThanOrEqual(3);
      expect(sum(after.samples, 'http_request_duration_seconds_count', { dialect: 'metaapi' })).toBeGreaterThanOrEqual(1);
      expect(sum(after.samples, 'ticks_total') - sum(before.samples, 'ticks_total')).toBe(3);
      expect(sum(after.samples, 'engine_rejections_total', { code: 'TRADE_RETCODE_NO_MONEY' }) - sum(before.samples, 'engine_rejections_total', { code: 'TRADE_RETCODE_NO_MONEY' })).toBe(1);
      expect(sum(after.samples, 'engine_commands_total', { command: 'PlaceOrder', code: 'TRADE_RETCODE_DONE' }) - sum(before.samples, 'engine_commands_total', { command: 'PlaceOrder', code: 'TRADE_RETCODE_DONE' })).toBe(2);
      expect(sum(after.samples, 'engine_batch_size_count')).toBeGreaterThan(sum(before.samples, 'engine_batch_size_count'));
      expect(sum(after.samples, 'engine_input_wait_seconds_count')).toBeGreaterThan(sum(before.samples, 'engine_input_wait_seconds_count'));
      expect(sum(after.samples, 'event_store_append_duration_seconds_count')).toBeGreaterThan(sum(before.samples, 'event_store_append_duration_seconds_count'));
      expect(value(after.samples, 'open_positions')).toBe(1);
      expect(after.samples.get('projector_lag_events')).toBeGreaterThanOrEqual(0);
      expect(value(after.samples, 'event_log_head_position')).toBeGreaterThan(value(before.samples, 'event_log_head_position'));
      expect(after.samples.has('engine_input_queue_depth')).toBe(true);
      expect(after.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(after.text).toContain('# TYPE process_cpu_seconds_total counter');
    });
  });

  describe('a running service asked about its health', () => {
    it('answers readiness with the state of each component and liveness', async () => {
      const svc = service();

      const ready = await svc.http('GET', '/health');
      const live = await svc.http('GET', '/health/live');

      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'up',
        components: { log: { status: 'up' }, engine: { status: 'up' }, readModels: { status: 'up' }, prices: { status: expect.any(String) } },
      });
      expect(live).toMatchObject({ status: 200, body: { status: 'up' } });
    });
  });
});
