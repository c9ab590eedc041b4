import type { Redis } from 'ioredis';

/**
 * A connection dedicated to blocking reads (XREAD / XREADGROUP BLOCK) that another connection can
 * wake up with CLIENT UNBLOCK, so a shutdown neither waits for the block to time out nor cuts the
 * socket under a pending command (ioredis' `disconnect()` half-closes and keeps a 2 s timer alive
 * until the server notices, which a blocked client does only when its block ends).
 */
export class WakeableReader {
  private clientId: number | undefined;
  private blocked = false;

  constructor(
    readonly connection: Redis,
    private readonly control: Redis,
  ) {
    // A reconnection gets a new client id: ask again before the next read.
    connection.on('ready', () => (this.clientId = undefined));
  }

  /**
   * Runs one blocking read. `proceed` is checked after the client id is known and right before the
   * command is sent, with nothing awaited in between, so a `wake()` can never miss a read.
   */
  async read<T>(proceed: () => boolean, command: (connection: Redis) => Promise<T>, idle: T): Promise<T> {
    if (this.clientId === undefined) this.clientId = Number(await this.connection.client('ID'));
    if (!proceed()) return idle;
    this.blocked = true;
    try {
      return await command(this.connection);
    } finally {
      this.blocked = false;
    }
  }

  /** Makes a blocked read return as if it had timed out; true when one was woken. */
  async wake(): Promise<boolean> {
    if (!this.blocked || this.clientId === undefined) return false;
    try {
      return Number(await this.control.client('UNBLOCK', this.clientId)) === 1;
    } catch {
      return false;
    }
  }

  /**
   * Ends a blocked read now: woken when possible, else (Redis unreachable, UNBLOCK refused) by
   * dropping the connection, which rejects the read. A stream consumer whose read is cut that way
   * may leave entries delivered but unread: they stay pending and are claimed again later.
   */
  async interrupt(): Promise<void> {
    if (!(await this.wake()) && this.blocked) this.connection.disconnect();
  }

  /** Interrupts any blocked read, then closes the connection (QUIT, or a hard disconnect when that fails). */
  async close(timeoutMs = 1_000): Promise<void> {
    await this.interrupt();
    await closeConnection(this.connection, timeoutMs);
  }
}

/** QUIT when connected (the server closes the socket at once), else a hard disconnect; never throws. */
export async function closeConnection(redis: Redis, timeoutMs = 1_000): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const quit = redis.quit().then(() => true);
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    if (!(await Promise.race([quit, late]))) redis.disconnect();
  } catch {
    redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
