/**
 * MetaApi's clientId as the idempotency key of a trade (when no Idempotency-Key header is sent): a
 * retry with the same clientId, on the same account and action, is the same command, applied once
 * and answered with the first outcome, concurrent copies included; another clientId is another trade.
 */
import { jest } from '@jest/globals';
import { useService, type TestUser } from '../support/service.js';

jest.setTimeout(30_000);

const service = useService();

describe('MetaApi trades that carry a clientId', () => {
  let user: TestUser;
  const trade = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    service().http('POST', `/users/current/accounts/${user.accountId}/trade`, { headers: { 'auth-token': user.token, ...headers }, body });
  const positions = async () => ((await service().http('GET', `/users/current/accounts/${user.accountId}/positions`, { headers: { 'auth-token': user.token } })).body as { id: string }[]).map((p) => p.id);
  const buy = (clientId: string) => ({ actionType: 'ORDER_TYPE_BUY', symbol: 'BTCUSD', volume: 0.01, clientId });

  beforeAll(async () => {
    user = await service().signup();
    await service().tick('BTCUSD', 42000, 42010);
  });

  it('sent twice with the same clientId opens one position and answers both with it', async () => {
    const before = await positions();
    const first = await trade(buy('retry-a'));
    const second = await trade(buy('retry-a'));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ stringCode: 'TRADE_RETCODE_DONE', orderId: expect.any(String) });
    expect(second.body).toEqual(first.body);
    expect(await positions()).toEqual([...before, first.body.orderId]);
  });

  it('sent six times at once with one clientId opens one position', async () => {
    const before = await positions();
    const answers = await Promise.all(Array.from({ length: 6 }, () => trade(buy('race-a'))));
    expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(1);
    expect((await positions()).length).toBe(before.length + 1);
  });

  it('with another clientId, or with an Idempotency-Key header of its own, is another trade', async () => {
    const before = await positions();
    const other = await trade(buy('other-a'));
    const keyed = await trade(buy('retry-a'), { 'idempotency-key': 'header-wins-1' });
    expect(other.body.orderId).not.toBe(keyed.body.orderId);
    expect((await positions()).length).toBe(before.length + 2);
  });

  it('closing a position with the clientId it was opened with closes it (another action is another key)', async () => {
    const opened = await trade(buy('open-close'));
    const closed = await trade({ actionType: 'POSITION_CLOSE_ID', positionId: opened.body.orderId, clientId: 'open-close' });
    expect(closed.body).toMatchObject({ stringCode: 'TRADE_RETCODE_DONE', positionId: opened.body.orderId });
    expect(await positions()).not.toContain(opened.body.orderId);
  });
});
