import { useService } from './support/service.js';

describe('a trader retrying requests with an Idempotency-Key', () => {
  const service = useService();
  let token: string;

  beforeAll(async () => {
    ({ token } = await service().signup());
    await service().tick('BTCUSD', '42000.00', '42001.00');
  });

  const create = async (key: string, quantity = 0.01) => {
    const { status, body } = await service().http('POST', '/api/v1/trade/create', {
      token,
      headers: { 'idempotency-key': key },
      body: { symbol: 'BTCUSD', type: 'BUY', quantity, leverage: 10 },
    });
    return { status, body };
  };
  const openCount = async () => ((await service().http('GET', '/api/v1/trade/open', { token })).body as { message: unknown[] }).message.length;

  it('gets the first status and body back and the order applied once', async () => {
    const before = await openCount();
    const first = await create('retry-1');
    const second = await create('retry-1');
    expect(first.status).toBe(200);
    expect(second).toEqual(first);
    expect(await openCount()).toBe(before + 1);
  });

  it('refuses the same key with a different body with 422 and applies nothing', async () => {
    await create('retry-2', 0.01);
    const before = await openCount();
    const reused = await create('retry-2', 0.02);
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({ error: expect.stringContaining('Idempotency-Key') });
    expect(await openCount()).toBe(before);
  });

  it('applies concurrent duplicates once, answering each with the same order id', async () => {
    const before = await openCount();
    const answers = await Promise.all(Array.from({ length: 8 }, () => create('race-1')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => (a.body as { orderId: string }).orderId)).size).toBe(1);
    expect(await openCount()).toBe(before + 1);
  });

  it('keeps the key across a restart', async () => {
    const first = await create('restart-1');
    await service().restart();
    await service().tick('BTCUSD', '42000.00', '42001.00');
    const before = await openCount();
    const again = await create('restart-1');
    expect(again).toEqual(first);
    expect(await openCount()).toBe(before);
  }, 30_000);

  it('keeps keys of different users apart', async () => {
    const other = await service().signup();
    const mine = await create('shared-key');
    const theirs = await service().http('POST', '/api/v1/trade/create', {
      token: other.token,
      headers: { 'idempotency-key': 'shared-key' },
      body: { symbol: 'BTCUSD', type: 'BUY', quantity: 0.01, leverage: 10 },
    });
    expect(theirs.status).toBe(200);
    expect((theirs.body as { orderId: string }).orderId).not.toBe((mine.body as { orderId: string }).orderId);
  });
});
