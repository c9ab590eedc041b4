import { Worker } from 'node:worker_threads';
import type { Logger } from '../../../../libs/platform/src/logger.js';
import { restoreError, type FromStorage, type StorageWorkerData, type ToStorage } from './storage-protocol.js';

const FIRST_RESTART_DELAY_MS = 200;
const MAX_RESTART_DELAY_MS = 30_000;

export interface SupervisedWorkerOptions {
  /** Named in logs and errors ("the storage thread"). */
  name: string;
  data: StorageWorkerData;
  logger: Logger;
  /** Every message but the life-cycle ones (ready, start-failed, stopped). */
  onMessage(message: FromStorage): void;
  /** The thread died (not stopped by us); a new one is on its way. */
  onDown(error: Error): void;
  /** The compiled worker script (tests run from sources and point at the build). */
  script?: URL;
}

/**
 * A worker thread, kept running: should it die, it is started again (after 0.2 s, doubling up
 * to 30 s while it keeps failing), and `onDown` tells its owner to give up on what it was doing.
 */
export class SupervisedWorker {
  private worker?: Worker;
  private alive = false;
  private stopping = false;
  private stopped?: () => void;
  private restartDelayMs = FIRST_RESTART_DELAY_MS;

  constructor(private readonly options: SupervisedWorkerOptions) {}

  /** Whether the thread is up and answering (false while a dead one is being replaced). */
  get up(): boolean {
    return this.alive;
  }

  /** Resolves once the thread says it is ready; rejects when it cannot start. */
  start(): Promise<void> {
    const { data, script } = this.options;
    const worker = new Worker(script ?? new URL('./storage-worker.js', import.meta.url), { workerData: data });
    this.worker = worker;
    return new Promise<void>((ready, failed) => {
      let started = false;
      worker.on('message', (message: FromStorage) => {
        if (message.kind === 'ready') {
          started = true;
          this.alive = true;
          this.restartDelayMs = FIRST_RESTART_DELAY_MS;
          ready();
          if (this.stopping) worker.postMessage({ kind: 'stop' } satisfies ToStorage);
        } else if (message.kind === 'start-failed') {
          failed(restoreError(message.error));
          void worker.terminate();
        } else if (message.kind === 'stopped') {
          this.stopped?.();
        } else {
          this.options.onMessage(message);
        }
      });
      worker.on('error', (error) => this.options.logger.error({ err: error, thread: this.options.name }, 'a worker thread failed'));
      worker.on('exit', (code) => {
        this.alive = false;
        if (this.stopping) {
          this.stopped?.();
          return;
        }
        if (!started) {
          failed(new Error(`the ${this.options.name} exited during start-up (exit code ${code}); see the log lines above`));
          return;
        }
        this.options.logger.error({ code, thread: this.options.name, restartInMs: this.restartDelayMs }, 'a worker thread stopped; starting a new one');
        this.options.onDown(new Error(`the ${this.options.name} stopped (exit code ${code})`));
        this.restartLater();
      });
    });
  }

  send(message: ToStorage): void {
    this.worker?.postMessage(message);
  }

  /** Lets the thread finish what it was given and close its files. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // A dead thread being replaced holds nothing to finish; its replacement stops as soon as it is up.
    if (!this.alive) return;
    const done = new Promise<void>((resolve) => (this.stopped = resolve));
    this.send({ kind: 'stop' });
    await done;
  }

  private restartLater(): void {
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
    setTimeout(() => {
      if (this.stopping) return;
      this.start().catch((error: unknown) => {
        this.options.logger.error({ err: error, thread: this.options.name, restartInMs: this.restartDelayMs }, 'a new worker thread did not start; trying again');
        this.restartLater();
      });
    }, delay).unref();
  }
}
