import type { Provider, Type } from '@nestjs/common';
import type { ApiRuntime } from '../runtime.tokens.js';
import { StreamSseController } from './sse.controller.js';
import { StreamAuth } from './stream-auth.js';
import { LIVE_EVENTS, StreamHub } from './stream-hub.js';

export const STREAMING_CONTROLLERS: Type<unknown>[] = [StreamSseController];

export function streamingProviders(runtime: ApiRuntime): Provider[] {
  return [StreamAuth, StreamHub, { provide: LIVE_EVENTS, useValue: runtime.liveEvents ?? null }];
}
