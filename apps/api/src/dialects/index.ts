import type { ExceptionFilter } from '@nestjs/common';
import type { Dialect } from './dialect.js';
import { HUMMINGBOT_DIALECT } from './hummingbot/hummingbot.dialect.js';
import { METAAPI_DIALECT } from './metaapi/metaapi.dialect.js';
import { MT4_DIALECT } from './mt4/mt4.dialect.js';

/** Every dialect the API speaks besides `/api/v1` (seed 000/002): MetaApi, MT4 manager, Hummingbot. */
export const DIALECTS: Dialect[] = [METAAPI_DIALECT, MT4_DIALECT, HUMMINGBOT_DIALECT];

/** The error filter of the dialect that owns a request path, for failures raised before routing. */
export function dialectErrorFilter(url: string | undefined): ExceptionFilter | undefined {
  if (!url) return undefined;
  return DIALECTS.find((d) => d.errors?.pathPrefixes.some((prefix) => url.startsWith(prefix)))?.errors?.filter;
}
