import 'reflect-metadata';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { runMain, stopOnSignals } from '../../../libs/platform/src/process-lifecycle.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { startDistributedApi } from './distributed/distributed-runtime.js';
import { createHttpApp } from './http-app.js';

const log = createLogger('api-main');

/** Distributed mode: one stateless API instance; run as many as needed behind one port. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) throw new ConfigError('The API process needs REDIS_URL (distributed mode); for one process run `npm start`');
  const runtime = await startDistributedApi(config);
  const app = await createHttpApp(runtime);
  await app.listen(config.port, config.host);
  log.info({ port: config.port, shards: config.engineShards }, `Tradestream API instance listening on port ${config.port}`);
  stopOnSignals(log, async () => {
    await app.close();
    await runtime.stop();
  });
}

runMain(log, main, (error) => error instanceof ConfigError);
