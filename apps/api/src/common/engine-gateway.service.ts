import { Inject, Injectable } from '@nestjs/common';
import type { EngineCommand } from '../../../../libs/domain/src/index.js';
import { EngineOverloadedError, EngineTimeoutError, type EngineClient, type EngineReply } from '../../../../libs/messaging/src/index.js';
import type { ReadModelWatermark } from '../../../../libs/read-models/src/watermark/projection-watermark.js';
import { createLogger } from '../../../../libs/platform/src/logger.js';
import type { AppConfig } from '../config/app-config.js';
import { nextCommandId } from '../idempotency/request-context.js';
import { engineBusy } from '../rate-limit/rate-limit.error.js';
import { APP_CONFIG, ENGINE, WATERMARK } from '../runtime.tokens.js';

/** How long a decided command may wait for the read models before it is answered anyway. */
const READ_MODEL_GRACE_MS = 10_000;

/**
 * Sends a command to the engine and answers only once the read models show its effect, so a GET
 * after the response sees the change (read-your-writes).
 */
@Injectable()
export class EngineGateway {
  private readonly logger = createLogger('engine-gateway');

  constructor(
    @Inject(ENGINE) private readonly engine: EngineClient,
    @Inject(WATERMARK) private readonly watermark: ReadModelWatermark,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Random, or derived from the request's Idempotency-Key so that a retry is the same command. */
  newCommandId(): string {
    return nextCommandId();
  }

  /** The deadline a command carries: after it the engine refuses to execute it. */
  deadline(receivedAt = Date.now()): number {
    return receivedAt + this.config.commandTimeoutMs;
  }

  /**
   * Throws EngineTimeoutError when the engine did not answer within the command timeout, and a 429
   * (TooManyRequestsError) when its queue is full and the command was refused without being queued.
   */
  async execute(command: EngineCommand, correlationId: string): Promise<EngineReply> {
    let reply: EngineReply;
    try {
      reply = await this.engine.request({ command, correlationId }, this.config.commandTimeoutMs);
    } catch (error) {
      if (error instanceof EngineOverloadedError) throw engineBusy(error.retryAfterMs);
      throw error;
    }
    // Decided just past its deadline (between the deadline and this process's own timer): the
    // engine refused to execute it, which is exactly what a timeout means to the caller.
    if (reply.outcome.code === 'TRADE_RETCODE_TIMEOUT') throw new EngineTimeoutError(command.commandId, this.config.commandTimeoutMs);
    // The command was decided; its answer must not be lost to a slow projection, only delayed.
    if (!(await this.watermark.waitFor(reply.position, READ_MODEL_GRACE_MS))) {
      this.logger.warn({ commandId: command.commandId, position: reply.position }, 'read models lag behind the engine; answering before they show the change');
    }
    return reply;
  }
}
