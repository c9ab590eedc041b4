import { HttpStatus } from '@nestjs/common';
import type { EngineCommand } from '../../../../../../libs/domain/src/index.js';
import { EngineTimeoutError, type EngineClient, type EngineReply, type EngineRequest } from '../../../../../../libs/messaging/src/index.js';
import type { ReadModelWatermark } from '../../../../../../libs/read-models/src/watermark/projection-watermark.js';
import { EngineGateway } from '../../../common/engine-gateway.service.js';
import type { AppConfig } from '../../../config/app-config.js';
import { MetaApiError } from './metaapi-error.js';
import { MetaApiEngine, SETTLE_MS } from './metaapi-engine.service.js';

const config = { commandTimeoutMs: 3_000 } as AppConfig;
const command = { type: 'CancelOrder', commandId: 'c-1', userId: 1, accountId: 2, orderId: 3, deadline: 0 } as EngineCommand;

function engineWith(answer: (request: EngineRequest, timeoutMs: number) => Promise<EngineReply>) {
  const waited: number[] = [];
  const timeouts: number[] = [];
  const client: EngineClient = {
    request: (request, timeoutMs) => {
      timeouts.push(timeoutMs);
      return answer(request, timeoutMs);
    },
    submit: () => undefined,
  };
  const watermark: ReadModelWatermark = {
    current: () => 0,
    waitFor: async (position) => {
      waited.push(position);
      return true;
    },
  };
  const engine = new MetaApiEngine(client, watermark, config, new EngineGateway(client, watermark, config));
  return { engine, waited, timeouts };
}

describe('a MetaApi trade sent to the engine', () => {
  it('waits past the command deadline for a definite answer, then for the read models to show it', async () => {
    const reply: EngineReply = { commandId: 'c-1', position: 42, outcome: { code: 'TRADE_RETCODE_TIMEOUT', message: 'Request canceled by timeout' } };
    const { engine, waited, timeouts } = engineWith(async () => reply);

    await expect(engine.execute(command, 'corr')).resolves.toBe(reply);
    expect(timeouts).toEqual([3_000 + SETTLE_MS]);
    expect(waited).toEqual([42]);
  });

  it('answers 504 TimeoutError when the engine never answers: the outcome is unknown', async () => {
    const { engine } = engineWith(async (request, timeoutMs) => {
      throw new EngineTimeoutError(request.command.commandId, timeoutMs);
    });

    const failure = await engine.execute(command, 'corr').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MetaApiError);
    expect((failure as MetaApiError).getStatus()).toBe(HttpStatus.GATEWAY_TIMEOUT);
    expect((failure as MetaApiError).body).toEqual({ id: 1, error: 'TimeoutError', message: expect.stringContaining('outcome of the request is unknown') });
  });

  it('the command deadline stays the shared one: received + COMMAND_TIMEOUT_MS', () => {
    const { engine } = engineWith(async () => {
      throw new Error('not sent');
    });
    expect(engine.deadline(1_000)).toBe(4_000);
  });
});
