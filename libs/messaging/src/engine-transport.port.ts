import type { EngineCommand, Outcome } from '../../domain/src/index.js';

/** What the engine answers for one command. */
export interface EngineReply {
  commandId: string;
  outcome: Outcome;
  /**
   * Log position a reader must have caught up with to see the effect of this command (the
   * position of its last event, or of the last event committed before it when it wrote none).
   */
  position: number;
}

export interface EngineRequest {
  command: EngineCommand;
  correlationId: string;
}

export class EngineTimeoutError extends Error {
  constructor(readonly commandId: string, readonly timeoutMs: number) {
    super(`No reply from the engine for ${commandId} within ${timeoutMs} ms`);
    this.name = 'EngineTimeoutError';
  }
}

/**
 * The engine's input queue is full: the command was refused before it was queued, so it is never
 * executed. The API answers 429 with Retry-After (back-pressure instead of an unbounded queue).
 */
export class EngineOverloadedError extends Error {
  /** How long a client should wait before retrying. */
  readonly retryAfterMs = 1_000;

  constructor(readonly commandId: string, readonly queued: number) {
    super(`The engine's input queue is full (${queued} waiting): ${commandId} was refused, not queued`);
    this.name = 'EngineOverloadedError';
  }
}

/** The API side: send a command to the engine that owns it and await its reply. */
export interface EngineClient {
  request(request: EngineRequest, timeoutMs: number): Promise<EngineReply>;
  /** Fire and forget (price ticks from a feed): ordered with the commands, nobody waits. */
  submit(request: EngineRequest): void;
}

/** One input the engine decides, with the way back to whoever asked. */
export interface EngineInput extends EngineRequest {
  reply(reply: EngineReply): void;
}

/** The engine side: batches of inputs in arrival order, one batch at a time. */
export interface EngineInputSource {
  /** `handle` is awaited before the next batch is delivered. */
  start(handle: (batch: EngineInput[]) => Promise<void>): void;
  stop(): Promise<void>;
}

export const ENGINE_CLIENT = Symbol('ENGINE_CLIENT');
