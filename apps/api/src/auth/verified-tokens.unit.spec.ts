import { VerifiedTokens } from './verified-tokens.js';

const principal = (userId: number, expiresAt: number | undefined) => ({ userId, access: 'user' as const, sessionId: `session-${userId}`, expiresAt });

describe('VerifiedTokens', () => {
  it('answers a remembered token with its own principal until it expires, then forgets it', () => {
    let now = 1_000;
    const tokens = new VerifiedTokens(10, () => now);
    tokens.remember('token-a', principal(1, 5_000));
    tokens.remember('token-b', principal(2, 5_000));
    expect(tokens.get('token-a')).toEqual(principal(1, 5_000));
    expect(tokens.get('token-b')?.userId).toBe(2);
    now = 4_999;
    expect(tokens.get('token-a')?.userId).toBe(1);
    // jsonwebtoken refuses at exp itself (floor(now / 1000) >= exp): so does the cache.
    now = 5_000;
    expect(tokens.get('token-a')).toBeUndefined();
    expect(tokens.size).toBe(1);
  });

  it('knows nothing of a token it was not given, even one differing by a character', () => {
    const tokens = new VerifiedTokens(10, () => 0);
    tokens.remember('header.payload.signature', principal(1, 10_000));
    expect(tokens.get('header.payload.signaturf')).toBeUndefined();
    expect(tokens.get('header.payload')).toBeUndefined();
  });

  it('never keeps a token without an expiry', () => {
    const tokens = new VerifiedTokens(10, () => 0);
    tokens.remember('forever', principal(1, undefined));
    expect(tokens.get('forever')).toBeUndefined();
  });

  it('hands out copies: changing one does not change what the next request gets', () => {
    const tokens = new VerifiedTokens(10, () => 0);
    tokens.remember('t', principal(1, 10_000));
    tokens.get('t')!.userId = 99;
    expect(tokens.get('t')?.userId).toBe(1);
  });

  it('stays within its bound, dropping the oldest entries first', () => {
    const tokens = new VerifiedTokens(2, () => 0);
    tokens.remember('t1', principal(1, 10_000));
    tokens.remember('t2', principal(2, 10_000));
    tokens.remember('t3', principal(3, 10_000));
    expect(tokens.size).toBe(2);
    expect(tokens.get('t1')).toBeUndefined();
    expect(tokens.get('t3')?.userId).toBe(3);
  });
});
