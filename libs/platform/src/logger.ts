import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Anything that could carry a credential is censored wherever it appears in a log record. */
const REDACT = [
  'password',
  'passwordHash',
  'token',
  'authorization',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["auth-token"]',
  'req.headers["x-admin-token"]',
];

let root: Logger | undefined;

/** Structured JSON logs (pino); `LOG_LEVEL` sets the level, tests default to warnings only. */
export function rootLogger(): Logger {
  root ??= pino({
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
    base: { service: process.env.SERVICE_NAME ?? 'tradestream' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return root;
}

export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
}
