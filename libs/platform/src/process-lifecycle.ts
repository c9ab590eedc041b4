import type { Logger } from 'pino';

/**
 * Stops a process cleanly on SIGINT/SIGTERM (once, even if signalled twice), and exits non-zero
 * with a logged reason when it fails to start. Every Tradestream process has the same two ends.
 */
export function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown did not complete cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handle('SIGINT'));
  process.on('SIGTERM', () => handle('SIGTERM'));
}

/** Runs `main`, turning a start-up failure into one fatal log line (the config's own message when it has one). */
export function runMain(log: Logger, main: () => Promise<void>, isConfigError: (error: unknown) => boolean): void {
  main().catch((error: unknown) => {
    log.fatal({ err: error }, isConfigError(error) ? `Configuration error: ${(error as Error).message}` : 'failed to start; see the error above');
    process.exit(1);
  });
}
