import { checkTick, type TickCheck } from '../tick-validation.js';

/** The fields an external publisher writes per stream entry (see README, "PRICE_FEED=redis"). */
export const EXTERNAL_TICK_FIELDS = ['symbol', 'bid', 'ask', 'time'] as const;

/**
 * One entry of the external tick stream: `symbol`, `bid`, `ask` (decimal strings with at most the
 * instrument's digits) and optionally `time` (epoch ms; default the time it is read). A time ahead
 * of the local clock is taken as now, so a publisher whose clock runs fast cannot keep a price
 * fresh for ever.
 */
export function externalTick(fields: ReadonlyMap<string, string>, now: number, feed = 'redis'): TickCheck {
  const timeText = fields.get('time');
  let time = now;
  if (timeText !== undefined && timeText !== '') {
    if (!/^\d{1,15}$/.test(timeText)) return { ok: false, problem: `time ${JSON.stringify(timeText)} is not epoch milliseconds` };
    time = Math.min(Number(timeText), now);
  }
  return checkTick({ symbol: fields.get('symbol'), bid: fields.get('bid'), ask: fields.get('ask'), time }, feed, 'strict');
}
