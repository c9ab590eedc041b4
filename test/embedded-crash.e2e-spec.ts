/**
 * The embedded service (`npm start`) killed with SIGKILL while orders flow: its storage thread is
 * cut off mid-append or mid-projection, with replies on their way. After a restart on the same
 * DATA_DIR every acknowledged order is there exactly once, no request is there twice, and the
 * read models agree with the log (`npm run verify`).
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, Service, useService, type TestUser } from './support/service.js';
import { openOrders } from './support/trading.js';

jest.setTimeout(120_000);

const service = useService();
const CLIENTS_PER_USER = 4;
/** Orders acknowledged before the kill, at least (the kill waits for them). */
const ACKNOWLEDGED_BEFORE_KILL = 150;

function verify(svc: Service) {
  const file = join(REPO_ROOT, 'dist', 'apps', 'tools', 'src', 'verify.js');
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npm run build\` first`);
  return spawnSync(process.execPath, [file], { cwd: REPO_ROOT, env: svc.env, encoding: 'utf8', timeout: 60_000 });
}

describe('an embedded service killed with kill -9 while orders flow', () => {
  it('comes back with every acknowledged order exactly once, none twice, and read models that agree with its log', async () => {
    const svc = service();
    await svc.tick('EURUSD', 1.085, 1.0852);
    const users: TestUser[] = [];
    for (let i = 0; i < 3; i++) users.push(await svc.signup());

    // Each request carries its own clientId: the one way to tell, afterwards, which request made which order.
    const acknowledged = new Map<string, string>(); // clientId → orderId
    const sent = new Set<string>();
    let stop = false;
    let sequence = 0;
    const client = async (user: TestUser) => {
      while (!stop) {
        const clientId = `crash-${++sequence}`;
        sent.add(clientId);
        const result = await svc
          .http('POST', '/api/v1/trade/create', { token: user.token, body: { symbol: 'EURUSD', type: 'BUY', quantity: 0.01, leverage: 100, clientId } })
          .catch(() => null);
        if (result?.status === 200) acknowledged.set(clientId, String(result.body.orderId));
        else if (result === null) return; // the service is gone
      }
    };
    const clients = users.flatMap((user) => Array.from({ length: CLIENTS_PER_USER }, () => client(user)));
    const deadline = Date.now() + 30_000;
    while (acknowledged.size < ACKNOWLEDGED_BEFORE_KILL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(acknowledged.size).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);

    svc.killNow();
    stop = true;
    await Promise.all(clients);
    await svc.restart();

    const rows = (await Promise.all(users.map((user) => openOrders(svc, user)))).flat();
    const byClientId = new Map<string, string[]>();
    for (const row of rows) byClientId.set(row.clientId, [...(byClientId.get(row.clientId) ?? []), String(row.orderId)]);
    // Nothing applied twice, nothing that was never sent.
    expect([...byClientId].filter(([, orderIds]) => orderIds.length > 1)).toEqual([]);
    expect([...byClientId.keys()].filter((clientId) => !sent.has(clientId))).toEqual([]);
    // Nothing acknowledged lost, and each acknowledged order under the id it was answered with.
    expect([...acknowledged].filter(([clientId, orderId]) => byClientId.get(clientId)?.[0] !== orderId)).toEqual([]);

    await svc.stop();
    const verified = verify(svc);
    expect({ status: verified.status, stderr: verified.status === 0 ? '' : verified.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
