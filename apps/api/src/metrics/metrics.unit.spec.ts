import type { EngineInput, EngineReply } from '../../../../libs/messaging/src/index.js';
import { EngineInstrumentation } from './engine-instrumentation.js';
import { dialectOf } from './http-metrics.js';
import { TradestreamMetrics } from './metrics.js';

const valueOf = async (metrics: TradestreamMetrics, name: string, labels: Record<string, string> = {}) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const sample = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l) && (!('metricName' in v) || v.metricName === name || v.metricName === `${name}_count`));
  return sample?.value;
};

describe('HTTP metrics', () => {
  describe('a route pattern', () => {
    it.each([
      ['/api/v1/trade/create', 'api-v1'],
      ['/users/current/accounts/:accountId/trade', 'metaapi'],
      ['/trade/open', 'mt4'],
      ['/sign/in', 'mt4'],
      ['/trading/orders', 'hummingbot'],
      ['/health', 'system'],
      ['/metrics', 'system'],
    ])('%s belongs to the %s dialect', (path, dialect) => {
      expect(dialectOf(path)).toBe(dialect);
    });
  });
});

describe('TradestreamMetrics', () => {
  describe('an outcome that is not DONE, PLACED or DONE_PARTIAL', () => {
    it('counts as a rejection by its result code', async () => {
      const metrics = new TradestreamMetrics({ defaultMetrics: false });
      metrics.countOutcome('PlaceOrder', 'TRADE_RETCODE_DONE');
      metrics.countOutcome('PlaceOrder', 'TRADE_RETCODE_NO_MONEY');
      metrics.countOutcome('PlaceOrder', 'TRADE_RETCODE_NO_MONEY');

      expect(await valueOf(metrics, 'engine_rejections_total', { code: 'TRADE_RETCODE_NO_MONEY' })).toBe(2);
      expect(await valueOf(metrics, 'engine_rejections_total', { code: 'TRADE_RETCODE_DONE' })).toBeUndefined();
      expect(await valueOf(metrics, 'engine_commands_total', { command: 'PlaceOrder', code: 'TRADE_RETCODE_DONE' })).toBe(1);
    });
  });

  describe('readings taken at scrape time', () => {
    it('report projector lag as head minus checkpoint', async () => {
      const metrics = new TradestreamMetrics({ defaultMetrics: false });
      metrics.observe({ logHead: async () => 120, projectorCheckpoint: () => 100, openPositions: () => 7 });

      const text = (await metrics.scrape()).body;

      expect(text).toMatch(/^projector_lag_events 20$/m);
      expect(text).toMatch(/^open_positions 7$/m);
    });
  });
});

describe('EngineInstrumentation', () => {
  describe('a batch of ticks and a command through an instrumented client and handler', () => {
    it('counts the ticks, the batch size, the time in queue and the command outcome', async () => {
      const metrics = new TradestreamMetrics({ defaultMetrics: false });
      const instrumentation = new EngineInstrumentation(metrics);
      const queue: EngineInput[] = [];
      const client = instrumentation.client({
        request: (request) => new Promise<EngineReply>((resolve) => queue.push({ ...request, reply: resolve })),
        submit: (request) => void queue.push({ ...request, reply: () => undefined }),
      });
      const handle = instrumentation.handler(async (batch) => {
        for (const input of batch) input.reply({ commandId: input.command.commandId, outcome: { code: 'TRADE_RETCODE_INVALID_STOPS', message: '' }, position: 1 });
      });
      const tick = { symbol: 'BTCUSD', bid: 1n, ask: 2n, time: 0 };

      client.submit({ command: { type: 'ApplyTick', commandId: 't1', tick }, correlationId: 'feed' });
      client.submit({ command: { type: 'ApplyTick', commandId: 't2', tick }, correlationId: 'feed' });
      const answered = client.request({ command: { type: 'CancelOrder', commandId: 'c1' } as never, correlationId: 'r' }, 1_000);
      await handle(queue.splice(0));
      await answered;

      expect(await valueOf(metrics, 'ticks_total')).toBe(2);
      expect(await valueOf(metrics, 'engine_batch_size')).toBe(1);
      expect(await valueOf(metrics, 'engine_input_wait_seconds')).toBe(3);
      expect(await valueOf(metrics, 'engine_rejections_total', { code: 'TRADE_RETCODE_INVALID_STOPS' })).toBe(1);
    });
  });
});
