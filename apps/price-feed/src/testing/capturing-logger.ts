import type { Logger } from '../../../../libs/platform/src/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps what it is told, for tests that check log lines. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (fields: unknown, message?: string): void => {
      if (typeof fields === 'string') lines.push({ level, fields: {}, message: fields });
      else lines.push({ level, fields: (fields ?? {}) as Record<string, unknown>, message: message ?? '' });
    };
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), trace: () => undefined, fatal: at('error') };
  return { logger: logger as unknown as Logger, lines };
}
