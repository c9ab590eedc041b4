/**
 * `npm run verify`: folds the whole event log and checks everything derived from it.
 *
 * - the live read models against a fresh projection of the log (every table, row by row);
 * - the live read models against the engine state folded from the log (users, balances, margins,
 *   open positions, pending orders, groups);
 * - conservation of money per account: each recorded balance, and the last one, equals
 *   deposits − withdrawals + realized profit − commission + write-offs;
 * - the engine snapshot (when there is one) plus the events after it against the full fold.
 *
 * Prints every difference and exits 1 when there is any, 0 when there is none, 2 when it could not
 * check (no log, the service running). Reads DATA_DIR / EVENTSTORE_URL like the service.
 */
import { Progress } from './progress.js';
import { openToolContext, ToolError } from './tool-context.js';
import { formatDifference } from './verify/difference.js';
import { runVerify } from './verify/run-verify.js';

async function main(): Promise<number> {
  const context = openToolContext(process.argv.slice(2));
  try {
    const head = await context.events.headPosition();
    process.stderr.write(`verify: ${context.logDescription}, head position ${head}\n`);
    const progress = new Progress('verify', head);
    const report = await runVerify({
      events: context.events,
      readModelsFile: context.readModelsFile,
      snapshotFile: context.snapshotFile,
      onProgress: (events, position) => progress.update(events, position),
    });
    progress.finish();
    const out: string[] = [
      `Folded ${report.events} events (head position ${report.head}): ${report.users} users, ${report.accounts} accounts, ${report.positions} open positions.`,
      ...report.notes.map((note) => `  ${note}`),
    ];
    if (report.differences.length === 0) {
      out.push('OK: the read models, the engine state, the snapshot and every balance agree with the log.');
    } else {
      out.push(`FAILED: ${report.differences.length} difference${report.differences.length === 1 ? '' : 's'}:`);
      out.push(...report.differences.map((d) => `  ${formatDifference(d)}`));
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return report.differences.length === 0 ? 0 : 1;
  } finally {
    await context.events.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ToolError) process.stderr.write(`verify: ${error.message}\n`);
    else process.stderr.write(`verify could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
