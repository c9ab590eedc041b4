/**
 * How far the read models have caught up with the log. A state-changing request waits here until
 * the read models show its effect (read-your-writes), so a GET after it sees the change.
 */
export interface ReadModelWatermark {
  current(): number;
  /** Resolves true once the read models reached `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean>;
}

/** In-process watermark, advanced by the projector of the same process. */
export class ProjectionWatermark implements ReadModelWatermark {
  private position = 0;
  private waiters: { position: number; resolve: (reached: boolean) => void; timer: NodeJS.Timeout }[] = [];

  current(): number {
    return this.position;
  }

  advance(position: number): void {
    if (position <= this.position) return;
    this.position = position;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.position <= position) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else still.push(waiter);
    }
    this.waiters = still;
  }

  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (position <= this.position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }
}
