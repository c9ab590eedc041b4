import { Worker } from 'node:worker_threads';
import type { ReplayPageQuery } from './replay-page.js';

/** What the prefetch worker is started with. */
export interface PrefetchData {
  file: string;
  /** The first page to read; the following ones continue after each page's last position. */
  query: ReplayPageQuery;
  /** Pages read ahead and not yet taken, at most. */
  ahead: number;
}

/** A page (its `after`, and its text: null when empty), or why the worker stopped reading. */
export type FromPrefetch = { kind: 'page'; after: number; page: string | null } | { kind: 'failed'; after: number; message: string };

const AHEAD = 3;

/**
 * The main thread's side of replay-prefetch.worker.js: hands out the pages it read ahead, in order.
 * It serves only the replay it was started for (the same page size and outcomes, each page asked
 * for after the last one): anything else, the end of the log, or a failure answers `undefined`, and
 * the caller reads that page itself. The log only grows at its end, so a page read ahead is the
 * page a read now would give, or a prefix of it near the head, which a replay reads on past anyway.
 */
export class ReplayPrefetcher {
  private readonly worker: Worker;
  private readonly received: FromPrefetch[] = [];
  /** Callers waiting for the next message (several, should reads of the same store overlap). */
  private readonly waiting: (() => void)[] = [];
  private done = false;

  constructor(
    script: URL,
    file: string,
    private readonly query: ReplayPageQuery,
  ) {
    this.worker = new Worker(script, { workerData: { file, query, ahead: AHEAD } satisfies PrefetchData });
    this.worker.on('message', (message: FromPrefetch) => {
      this.received.push(message);
      this.wake();
    });
    this.worker.on('error', () => this.end());
    this.worker.on('exit', () => this.end());
  }

  /** The page for `query` as REPLAY_PAGE_SQL gives it, or undefined when the caller must read it itself. */
  async next(query: ReplayPageQuery): Promise<string | undefined> {
    if (query.limit !== this.query.limit || query.outcomesFrom !== this.query.outcomesFrom) return this.giveUp();
    while (this.received.length === 0 && !this.done) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const message = this.received.shift();
    // Another page than the worker's next, a failure, or the end of the log as it was: the caller
    // reads that page itself (and so also sees whatever was appended since).
    if (!message || message.kind === 'failed' || message.after !== query.after || message.page === null) return this.giveUp();
    this.worker.postMessage('taken');
    return message.page;
  }

  /** Whether it can serve no further page. */
  get ended(): boolean {
    return this.done && this.received.length === 0;
  }

  async stop(): Promise<void> {
    this.done = true;
    this.wake();
    await this.worker.terminate();
  }

  private giveUp(): undefined {
    this.received.length = 0;
    this.end();
    return undefined;
  }

  private end(): void {
    this.done = true;
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
