import type { Quote } from '../../pricing/pricing.js';

/** A new price reaches the engine in the same ordered input as commands. */
export interface ApplyTick {
  type: 'ApplyTick';
  commandId: string;
  tick: Quote;
}
