import type { Principal } from './principal.js';

/** Enough for every token active on one instance at a time; past it the oldest entries go first. */
export const VERIFIED_TOKENS_MAX = 50_000;

/**
 * Tokens whose signature and claims were verified, by their exact text, until they expire.
 *
 * Verifying an HS256 token (base64 and JSON decoding, an HMAC, the claim checks) is a large part of
 * an order's CPU, and a client sends the same token with every request. A verification that passed
 * passes again for the same text until `exp` (the secret and the pinned options never change within
 * a process; `nbf`, once past, stays past), so a hit is exactly what a new verification would answer.
 * Only successes are kept: a forged or altered token is a different text and is verified in full.
 * Session revocation and the user check are not cached here; they run on every request.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Principal>();

  constructor(
    private readonly maxEntries = VERIFIED_TOKENS_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  /** The principal of a token verified before and not expired since, else undefined. */
  get(token: string): Principal | undefined {
    const principal = this.entries.get(token);
    if (principal === undefined) return undefined;
    // jsonwebtoken refuses once floor(now / 1000) >= exp, i.e. now >= exp * 1000 = expiresAt.
    if (principal.expiresAt === undefined || this.now() >= principal.expiresAt) {
      this.entries.delete(token);
      return undefined;
    }
    // A copy: a request must not be able to change what the next request with this token gets.
    return { ...principal };
  }

  /** Remembers a token that just passed verification (its principal carries `expiresAt`). */
  remember(token: string, principal: Principal): void {
    if (principal.expiresAt === undefined) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { ...principal });
  }

  get size(): number {
    return this.entries.size;
  }
}
