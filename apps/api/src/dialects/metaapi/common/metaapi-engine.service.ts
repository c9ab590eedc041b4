import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { EngineCommand } from '../../../../../../libs/domain/src/index.js';
import { EngineOverloadedError, EngineTimeoutError, type EngineClient, type EngineReply } from '../../../../../../libs/messaging/src/index.js';
import { createLogger } from '../../../../../../libs/platform/src/logger.js';
import type { ReadModelWatermark } from '../../../../../../libs/read-models/src/watermark/projection-watermark.js';
import { EngineGateway } from '../../../common/engine-gateway.service.js';
import { engineBusy } from '../../../rate-limit/rate-limit.error.js';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG, ENGINE, WATERMARK } from '../../../runtime.tokens.js';
import { MetaApiError } from './metaapi-error.js';

/**
 * How much longer than the command timeout a MetaApi request waits for the engine's answer. A
 * command carries the deadline `received + COMMAND_TIMEOUT_MS`, and the engine refuses one that
 * reaches it later with TRADE_RETCODE_TIMEOUT: waiting a little past the deadline turns almost
 * every slow request into a definite answer (done, or 10012 "not executed") instead of an unknown.
 */
export const SETTLE_MS = 2_000;
/** How long a decided command may wait for the read models before it is answered anyway. */
const READ_MODEL_GRACE_MS = 10_000;

/**
 * Sends MetaApi's trade commands to the engine and answers once the read models show the effect
 * (read-your-writes), like the shared EngineGateway, but keeps waiting past the deadline (see
 * {@link SETTLE_MS}). Only an engine that stays silent even then gives a 504 TimeoutError: then,
 * and only then, the outcome is unknown to the API.
 */
@Injectable()
export class MetaApiEngine {
  private readonly logger = createLogger('metaapi-engine');

  constructor(
    @Inject(ENGINE) private readonly engine: EngineClient,
    @Inject(WATERMARK) private readonly watermark: ReadModelWatermark,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly gateway: EngineGateway,
  ) {}

  /** Random, or derived from the request's Idempotency-Key (a retry is the same command). */
  newCommandId(): string {
    return this.gateway.newCommandId();
  }

  deadline(receivedAt: number): number {
    return this.gateway.deadline(receivedAt);
  }

  async execute(command: EngineCommand, correlationId: string): Promise<EngineReply> {
    let reply: EngineReply;
    try {
      reply = await this.engine.request({ command, correlationId }, this.config.commandTimeoutMs + SETTLE_MS);
    } catch (error) {
      if (error instanceof EngineOverloadedError) throw engineBusy(error.retryAfterMs);
      if (error instanceof EngineTimeoutError) {
        this.logger.warn({ commandId: command.commandId, type: command.type }, 'no answer from the engine: outcome unknown');
        throw new MetaApiError(
          HttpStatus.GATEWAY_TIMEOUT,
          'TimeoutError',
          'The trading engine did not answer in time; the outcome of the request is unknown. Check positions and orders (clientId) before retrying',
        );
      }
      throw error;
    }
    if (!(await this.watermark.waitFor(reply.position, READ_MODEL_GRACE_MS))) {
      this.logger.warn({ commandId: command.commandId, position: reply.position }, 'read models lag behind the engine; answering before they show the change');
    }
    return reply;
  }
}
