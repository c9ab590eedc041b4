import 'reflect-metadata';
import { createHttpApp } from '../../api/src/http-app.js';
import { ConfigError, loadConfig } from '../../api/src/config/app-config.js';
import { announceStartup, servesRoute } from '../../api/src/console/startup-banner.js';
import { createLogger } from '../../../libs/platform/src/logger.js';
import { runMain, stopOnSignals } from '../../../libs/platform/src/process-lifecycle.js';
import { startEmbedded } from './embedded-runtime.js';

const log = createLogger('main');

async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = await startEmbedded(config);
  const app = await createHttpApp(runtime);
  await app.listen(config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  log.info({ url, dataDir: config.dataDir, priceFeed: config.priceFeed, admin: config.adminToken !== null }, `Tradestream listening on ${url}`);
  // Where the API, docs, console, health and metrics are: a log line, and a banner on a terminal.
  announceStartup({ url, mode: 'embedded', dataDir: config.dataDir, priceFeed: config.priceFeed, admin: config.adminToken !== null, docs: servesRoute(app, '/docs') }, log);

  stopOnSignals(log, async () => {
    await app.close();
    await runtime.stop();
  });
}

runMain(log, main, (error) => error instanceof ConfigError);
