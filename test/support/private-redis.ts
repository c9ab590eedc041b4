/**
 * A Redis server of a test's own (`redis-server` on a free port, AOF with fsync on every write, in a
 * temporary directory), so a test may kill and restart it without touching the machine's shared
 * Redis that other suites use. `available()` says whether the binary exists.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './service.js';

const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PrivateRedis {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** How many times it was started. */
  starts = 0;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Whether `redis-server` can be run here. */
  static available(): boolean {
    const probe = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
    return probe.status === 0 && /Redis server/.test(probe.stdout);
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), 'tradestream-redis-')));
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the server on its port and directory (loading its append-only file) and waits for PONG. */
  async launch(): Promise<void> {
    if (this.child) throw new Error('private redis is already running');
    this.starts += 1;
    const child = spawn(
      BINARY,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir, '--protected-mode', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const append = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-16_384);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = new Promise<void>((done) => child.once('exit', () => done()));
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    client.on('error', () => undefined);
    const deadline = Date.now() + 15_000;
    try {
      for (;;) {
        try {
          if (client.status !== 'ready') await client.connect();
          // LOADING while the append-only file is read back: not ready yet.
          if ((await client.ping()) === 'PONG') return;
        } catch {
          client.disconnect();
        }
        if (Date.now() > deadline) throw new Error(`private redis on ${this.port} did not answer within 15 s: ${this.output}`);
        await sleep(50);
      }
    } finally {
      client.disconnect();
    }
  }

  /** SIGKILL (`kill -9`): writes acknowledged before it are in the append-only file (fsync always). */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    this.child = null;
  }

  async restart(downMs = 0): Promise<void> {
    await this.kill9();
    if (downMs > 0) await sleep(downMs);
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.kill9();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
