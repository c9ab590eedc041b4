import { useService } from './support/service.js';

describe('a service with tight rate limits', () => {
  const service = useService({ env: { RATE_LIMIT_USER_RPS: '5', RATE_LIMIT_USER_BURST: '5', SIGNIN_FAILURES_PER_MINUTE: '5' } });

  it('answers a burst past a user limit with 429 and Retry-After, and keeps serving others', async () => {
    const alice = await service().signup();
    const bob = await service().signup();
    const answers = await Promise.all(Array.from({ length: 20 }, () => service().http('GET', '/api/v1/accounts', { token: alice.token })));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(5);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited[0]!.body).toEqual({ error: expect.stringContaining('Too many requests') });
    expect((await service().http('GET', '/api/v1/accounts', { token: bob.token })).status).toBe(200);
  });

  it('blocks sign-ins for an account after repeated failures, even with the right password', async () => {
    const carol = await service().signup();
    const wrong = { email: carol.email, password: 'not-the-password' };
    const failures = [];
    for (let i = 0; i < 6; i += 1) failures.push((await service().http('POST', '/api/v1/user/signin', { body: wrong })).status);
    expect(failures.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(failures[5]).toBe(429);
    const right = await service().http('POST', '/api/v1/user/signin', { body: { email: carol.email, password: carol.password } });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
