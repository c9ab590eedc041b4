import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS_FILE, describeEventStore, openEventStore, type EventStore } from '../../../libs/event-store/src/index.js';
import { runningServicePid } from '../../../libs/platform/src/pid-file.js';
import { loadConfig, type AppConfig } from '../../api/src/config/app-config.js';
import { snapshotFileFor } from '../../engine/src/snapshots/snapshot-store.js';
import { READ_MODELS_FILE } from '../../standalone/src/embedded-runtime.js';

/** A tool's failure to start, with what to do about it; exits 2 (1 means "differences found"). */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export interface ToolContext {
  config: AppConfig;
  events: EventStore;
  logDescription: string;
  readModelsFile: string;
  snapshotFile: string;
}

/**
 * Reads DATA_DIR / EVENTSTORE_URL exactly like the service. The tools need no JWT secret; a
 * placeholder keeps `loadConfig` from generating one in DATA_DIR.
 */
export function openToolContext(args: string[], env: NodeJS.ProcessEnv = process.env): ToolContext {
  const config = loadConfig({ ...env, JWT_SECRET: env.JWT_SECRET || 'not-used-by-the-offline-tools-0000000000' });
  if (!config.eventStoreUrl && !existsSync(join(config.dataDir, EVENTS_FILE))) {
    throw new ToolError(`There is no event log at ${join(config.dataDir, EVENTS_FILE)}: set DATA_DIR (or EVENTSTORE_URL) as for the service.`);
  }
  const pid = runningServicePid(config.dataDir);
  if (pid !== undefined && !args.includes('--force')) {
    throw new ToolError(
      `The service (pid ${pid}) is running on ${config.dataDir}. Stop it first: this tool reads the log and the read models ` +
        'while nothing writes them. (--force runs anyway.)',
    );
  }
  return {
    config,
    events: openEventStore(config),
    logDescription: describeEventStore(config),
    readModelsFile: join(config.dataDir, READ_MODELS_FILE),
    snapshotFile: snapshotFileFor(config.dataDir),
  };
}
