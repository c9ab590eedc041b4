import { Injectable } from '@nestjs/common';
import { KeyedBuckets, TokenBucket } from './token-bucket.js';

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/**
 * The API's admission limits, per instance: a global rate (protects the engine from bursts past
 * capacity), a per-user rate (one client cannot starve the others), and failed sign-ins per
 * account and per IP (password guessing). Tunable by environment.
 */
@Injectable()
export class RateLimits {
  private readonly global = new TokenBucket(number('RATE_LIMIT_GLOBAL_RPS', 20_000), number('RATE_LIMIT_GLOBAL_BURST', 40_000), Date.now());
  private readonly users = new KeyedBuckets(number('RATE_LIMIT_USER_RPS', 200), number('RATE_LIMIT_USER_BURST', 400));
  /** Failed sign-ins: 5 in a burst, then one every 12 s (≈ 5 a minute) per account and per IP. */
  private readonly failedByAccount = new KeyedBuckets(number('SIGNIN_FAILURES_PER_MINUTE', 5) / 60, 5);
  private readonly failedByIp = new KeyedBuckets((number('SIGNIN_FAILURES_PER_MINUTE', 5) * 4) / 60, 20);

  /** Milliseconds to wait, or 0 when admitted. */
  admitGlobal(now = Date.now()): number {
    return this.global.take(now);
  }

  admitUser(userId: number, now = Date.now()): number {
    return this.users.take(String(userId), now);
  }

  /** Called on a failed sign-in; answers how long this account or IP must now wait (0: may retry). */
  recordFailedSignin(account: string, ip: string, now = Date.now()): number {
    return Math.max(this.failedByAccount.take(account.toLowerCase(), now), this.failedByIp.take(ip, now));
  }

  /** Whether sign-ins for this account or IP are currently blocked (without spending a token). */
  signinBlocked(account: string, ip: string, now = Date.now()): number {
    const a = this.failedByAccount.peek(account.toLowerCase(), now);
    const b = this.failedByIp.peek(ip, now);
    return Math.max(a, b);
  }
}
