import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Written by a running embedded service into its DATA_DIR, so offline tools can tell it is running. */
export const SERVICE_PID_FILE = 'tradestream.pid';

/** Records this process as the service of `dataDir`; returns the function that removes the record. */
export function writePidFile(dataDir: string): () => void {
  const file = join(dataDir, SERVICE_PID_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}

/** The pid of another live process that says it is the service of `dataDir`, if any (a stale file is ignored). */
export function runningServicePid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, SERVICE_PID_FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is still running.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
