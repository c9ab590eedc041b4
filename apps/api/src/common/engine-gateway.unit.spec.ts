import type { EngineCommand } from '../../../../libs/domain/src/index.js';
import { EngineOverloadedError, InProcessEngineBus, type EngineClient } from '../../../../libs/messaging/src/index.js';
import type { ReadModelWatermark } from '../../../../libs/read-models/src/watermark/projection-watermark.js';
import type { AppConfig } from '../config/app-config.js';
import { MetaApiEngine } from '../dialects/metaapi/common/metaapi-engine.service.js';
import { TooManyRequestsError } from '../rate-limit/rate-limit.error.js';
import { EngineGateway } from './engine-gateway.service.js';

const config = { commandTimeoutMs: 3_000 } as AppConfig;
const command = { type: 'CancelOrder', commandId: 'c-1', userId: 1, accountId: 2, orderId: 3, deadline: 0 } as EngineCommand;
const watermark: ReadModelWatermark = { current: () => 0, waitFor: async () => true };

describe('a command sent while the engine queue is full', () => {
  const full: EngineClient = {
    request: async () => {
      throw new EngineOverloadedError('c-1', 10_000);
    },
    submit: () => undefined,
  };

  it('is refused by the gateway as a 429 with a one-second Retry-After, never as a 5xx', async () => {
    const refusal = new EngineGateway(full, watermark, config).execute(command, 'corr');
    await expect(refusal).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(refusal).rejects.toMatchObject({ retryAfterSeconds: 1, status: 429 });
  });

  it("is refused by MetaApi's engine service as the same 429 (TooManyRequestsError in that dialect)", async () => {
    const gateway = new EngineGateway(full, watermark, config);
    await expect(new MetaApiEngine(full, watermark, config, gateway).execute(command, 'corr')).rejects.toBeInstanceOf(TooManyRequestsError);
  });

  it('is refused by a real bus whose engine never started, once its bound of 1 is reached', async () => {
    const bus = new InProcessEngineBus(1_000, 1);
    const gateway = new EngineGateway(bus, watermark, { commandTimeoutMs: 50 } as AppConfig);
    const first = gateway.execute(command, 'corr').catch((error: unknown) => error);
    await expect(gateway.execute({ ...command, commandId: 'c-2' }, 'corr')).rejects.toBeInstanceOf(TooManyRequestsError);
    expect((await first) as Error).toHaveProperty('name', 'EngineTimeoutError');
  });
});
