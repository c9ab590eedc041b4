/**
 * `npm run rebuild`: drops every read model and projects the whole event log again.
 *
 * Reads DATA_DIR / EVENTSTORE_URL like the service and must run while the service is stopped (it
 * refuses when DATA_DIR's service is running). The new read models are built in a temporary file
 * next to the live one and replace it only once complete, so an interrupted rebuild leaves the
 * previous read models in place. Running it twice gives the same read models.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { RedisReadModelStore } from '../../../libs/read-models/src/redis/redis-read-model-store.js';
import { SqliteReadModelStore } from '../../../libs/read-models/src/sqlite/sqlite-read-model-store.js';
import { Progress } from './progress.js';
import { rebuildReadModels } from './rebuild/rebuild-read-models.js';
import { openToolContext, ToolError } from './tool-context.js';

const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'];

function removeDatabase(file: string): void {
  for (const suffix of ['', ...SQLITE_SIDE_FILES]) rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Distributed mode: the read models live in Redis under REDIS_PREFIX. Stop the projector first.
 * They are cleared and rebuilt in place, batch by batch, each batch stored with its checkpoint: an
 * interrupted rebuild leaves consistent read models up to their checkpoint, which a restarted
 * projector (or the next rebuild) simply continues.
 */
async function rebuildRedis(context: ReturnType<typeof openToolContext>): Promise<number> {
  const prefix = `${context.config.redisPrefix}rm:`;
  const store = new RedisReadModelStore(context.config.redisUrl!, prefix);
  const started = Date.now();
  try {
    const head = await context.events.headPosition();
    process.stderr.write(`rebuild: ${context.logDescription}, head position ${head} → Redis read models ${prefix}* (stop the projector first)\n`);
    const progress = new Progress('rebuild', head);
    const result = await rebuildReadModels(context.events, store, { onProgress: (events, position) => progress.update(events, position) });
    progress.finish();
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`Read models rebuilt from ${result.events} events (checkpoint ${result.position}) in ${seconds.toFixed(1)} s: Redis ${prefix}*\n`);
    return 0;
  } finally {
    await store.close();
    await context.events.close();
  }
}

async function main(): Promise<number> {
  const context = openToolContext(process.argv.slice(2));
  if (context.config.redisUrl) return rebuildRedis(context);
  const target = context.readModelsFile;
  const building = `${target}.rebuild`;
  const started = Date.now();
  try {
    const head = await context.events.headPosition();
    process.stderr.write(`rebuild: ${context.logDescription}, head position ${head} → ${target}\n`);
    removeDatabase(building);
    const store = new SqliteReadModelStore(building);
    const progress = new Progress('rebuild', head);
    try {
      const result = await rebuildReadModels(context.events, store, { onProgress: (events, position) => progress.update(events, position) });
      progress.finish();
      await store.close();
      // The old database's WAL must not outlive it: left next to the new file it would be replayed into it.
      for (const suffix of SQLITE_SIDE_FILES) rmSync(`${target}${suffix}`, { force: true });
      renameSync(building, target);
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(`Read models rebuilt from ${result.events} events (checkpoint ${result.position}) in ${seconds.toFixed(1)} s: ${target}\n`);
      return 0;
    } finally {
      await store.close();
      if (existsSync(building)) removeDatabase(building);
    }
  } finally {
    await context.events.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ToolError) process.stderr.write(`rebuild: ${error.message}\n`);
    else process.stderr.write(`rebuild failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
