/**
 * `npm run rebuild` in the distributed deployment: with REDIS_URL set, the read models in Redis are
 * cleared and projected again from the log, and the API answers exactly as before.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describeWithRedis } from '../../libs/platform/src/testing/redis-availability.js';
import { Cluster } from '../support/cluster.js';
import { readerAnswers, subjectsOf } from '../support/read-model-rebuild.js';

await describeWithRedis('a distributed deployment whose Redis read models were lost', ({ url }) => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await Cluster.start({ redisUrl: url, apis: 1, label: 'rebuild' });
  }, 60_000);
  afterAll(async () => cluster?.dispose(), 30_000);

  it('rebuilds them from the log with the rebuild tool, and the API answers as before', async () => {
    const api = cluster.api(1);
    const user = await api.signup();
    await api.tick('BTCUSD', '42000.00', '42001.00');
    for (const quantity of [0.1, 0.2]) {
      const created = await api.http('POST', '/api/v1/trade/create', { token: user.token, body: { symbol: 'BTCUSD', type: 'BUY', quantity, leverage: 10 } });
      expect(created.status).toBe(200);
    }
    const open = await api.http('GET', '/api/v1/trade/open', { token: user.token });
    const firstId = (open.body as { message: { orderId: string }[] }).message[0]!.orderId;
    expect((await api.http('POST', '/api/v1/trade/close', { token: user.token, body: { orderId: firstId } })).status).toBe(200);
    await cluster.waitForProjection();
    const subjects = subjectsOf(await cluster.readLog());
    const before = await readerAnswers(cluster.liveReadModels(), subjects);
    const accountBefore = (await api.http('GET', `/api/v1/accounts/${user.accountId}`, { token: user.token })).body;

    await cluster.stop('projector');
    // Lose every read-model key (as after a Redis without persistence restarting).
    const keys = await cluster.redis.keys(`${cluster.prefix}rm:*`);
    if (keys.length > 0) await cluster.redis.del(...keys);

    const tool = spawnSync(process.execPath, [join(cluster.codeRoot, 'apps', 'tools', 'src', 'rebuild.js')], {
      env: { ...process.env, REDIS_URL: url, REDIS_PREFIX: cluster.prefix, DATA_DIR: cluster.dataDir, NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: tool.status, stderr: tool.stderr }).toMatchObject({ status: 0 });
    expect(tool.stdout).toMatch(/Read models rebuilt from \d+ events/);
    // The projector is still stopped: what is there now is the tool's work alone.
    expect(await readerAnswers(cluster.liveReadModels(), subjects)).toEqual(before);

    await cluster.start('projector');
    expect(await readerAnswers(cluster.liveReadModels(), subjects)).toEqual(before);
    expect((await api.http('GET', `/api/v1/accounts/${user.accountId}`, { token: user.token })).body).toEqual(accountBefore);
  }, 90_000);
});
