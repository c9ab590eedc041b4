import { isISO8601 } from 'class-validator';
import type { Page, TimeRange } from '../../../../../../libs/read-models/src/views.js';
import { invalidParameter } from '../common/metaapi-error.js';

/** MetaApi's history pages: at most 1000 rows, 1000 by default. */
export const MAX_PAGE = 1000;

/** An ISO-8601 instant of a path parameter, normalized to `toISOString()` form (what the read models compare). */
export function isoTime(parameter: string, value: string): string {
  const ms = isISO8601(value, { strict: true }) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalidParameter(parameter, value, `${parameter} must be an ISO-8601 date and time`);
  const iso = new Date(ms).toISOString();
  if (!/^\d{4}-/.test(iso)) throw invalidParameter(parameter, value, `${parameter} is out of range`);
  return iso;
}

/** startTime inclusive, endTime exclusive. */
export function timeRange(startTime: string, endTime: string): TimeRange {
  return { from: isoTime('startTime', startTime), to: isoTime('endTime', endTime) };
}

function wholeNumber(parameter: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw invalidParameter(parameter, value, `${parameter} must be a whole number from ${min} to ${max}`);
  return n;
}

/** `offset` (default 0) and `limit` (default and at most 1000) query parameters. */
export function page(offset: string | undefined, limit: string | undefined): Page {
  return { offset: wholeNumber('offset', offset, 0, 0, 1_000_000_000), limit: wholeNumber('limit', limit, MAX_PAGE, 1, MAX_PAGE) };
}
