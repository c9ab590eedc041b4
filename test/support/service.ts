/**
 * End-to-end harness: runs the real service exactly as `npm start` does
 * (`node dist/apps/standalone/src/main.js`, cwd = repository root) against a fresh DATA_DIR, on a
 * free port, with `PRICE_FEED=manual` so the only prices are the ones a test sends through
 * `POST /api/v1/admin/ticks`.
 *
 * The suites do not build: run `npm run build` first (`npm test` does). A missing build fails the
 * suite with a message saying so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../libs/platform/src/testing/free-port.js';

export { freePort };

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const ENTRY = join(REPO_ROOT, 'dist', 'apps', 'standalone', 'src', 'main.js');

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 64 * 1024;

/** Fails with a clear message when the compiled service is missing. */
export function assertBuilt(): void {
  if (!existsSync(ENTRY)) {
    throw new Error(
      `The compiled service ${ENTRY} does not exist. Run \`npm run build\` before the e2e tests ` +
        '(`npm test` builds first).',
    );
  }
}


export interface HttpOptions {
  /** An object is sent as JSON; a string is sent as it is (with `content-type: application/json`). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Quote {
  symbol: string;
  bid: number | string;
  ask: number | string;
}

export interface TestUser {
  email: string;
  password: string;
  userId: string;
  accountId: string;
  token: string;
}

export interface ServiceOptions {
  /** Extra or overriding environment variables (JWT_SECRET, DEMO_BALANCE, PRICE_STALE_MS, NODE_ENV, ...). */
  env?: Record<string, string>;
  /** How much of the process's output `logs` keeps (default the last 64 KiB; `Infinity` keeps all of it). */
  outputLimit?: number;
}

let emailCounter = 0;

/** An email address no other test (or run) uses. */
export function uniqueEmail(prefix = 'trader'): string {
  emailCounter += 1;
  return `${prefix}.${process.pid}.${emailCounter}.${randomBytes(4).toString('hex')}@example.com`;
}

const live = new Set<Service>();

/** One running service process, its DATA_DIR and environment. */
export class Service {
  readonly adminToken: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private output = '';
  private port = 0;
  private readonly outputLimit: number;

  private constructor(options: ServiceOptions) {
    this.adminToken = `admin-${randomBytes(12).toString('hex')}`;
    this.dataDir = mkdtempSync(join(tmpdir(), 'tradestream-e2e-'));
    this.outputLimit = options.outputLimit ?? OUTPUT_LIMIT;
    this.env = {
      ...process.env,
      DATA_DIR: this.dataDir,
      PRICE_FEED: 'manual',
      ADMIN_TOKEN: this.adminToken,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    // Nothing from the test runner's own environment decides where data or secrets come from.
    // (and jest's NODE_ENV=test does not leak into the service: `npm start` does not set it, unless a test asks for it).
    if (!(options.env && 'NODE_ENV' in options.env)) delete this.env.NODE_ENV;
    for (const name of ['EVENTSTORE_URL', 'REDIS_URL', 'HOST', 'COMMAND_TIMEOUT_MS', 'SERVICE_NAME']) if (!(options.env && name in options.env)) delete this.env[name];
    if (!(options.env && 'JWT_SECRET' in options.env)) delete this.env.JWT_SECRET;
  }

  /** Starts a service on a fresh temporary DATA_DIR and waits until it answers HTTP. */
  static async start(options: ServiceOptions = {}): Promise<Service> {
    assertBuilt();
    const service = new Service(options);
    live.add(service);
    try {
      service.port = await freePort();
      await service.launch();
    } catch (error) {
      await service.dispose();
      throw error;
    }
    return service;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the process wrote on stdout and stderr (the last 64 KiB). */
  get logs(): string {
    return this.output;
  }

  /** The current process id (changes on restart); undefined when stopped. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  private async launch(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [ENTRY], {
      cwd: REPO_ROOT,
      env: { ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const append = (chunk: Buffer) => {
      this.output = this.output + chunk.toString('utf8');
      if (this.output.length > this.outputLimit) this.output = this.output.slice(-this.outputLimit);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    let exitInfo: string | null = null;
    this.exited = new Promise<void>((done) => {
      child.once('exit', (code, signal) => {
        exitInfo = `exit code ${code}, signal ${signal}`;
        if (this.child === child) this.child = null;
        done();
      });
      child.once('error', (error) => {
        exitInfo = `spawn error: ${error.message}`;
        if (this.child === child) this.child = null;
        done();
      });
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exitInfo !== null) {
        throw new Error(`The service exited before answering HTTP (${exitInfo}). Its output:\n${this.output}`);
      }
      try {
        const response = await fetch(`${this.baseUrl}/api/v1/symbols`, { signal: AbortSignal.timeout(1_000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(
          `The service did not answer GET /api/v1/symbols within ${READY_TIMEOUT_MS / 1000} s on ${this.baseUrl}. Its output:\n${this.output}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Immediate SIGKILL, for the process-exit hook only. */
  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  /** SIGTERM, wait for the exit; SIGKILL when it does not exit in time. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), STOP_TIMEOUT_MS).unref()),
    ]);
    if (timedOut) {
      child.kill('SIGKILL');
      await this.exited;
    }
    this.child = null;
  }

  /** Stops the process and starts it again on the same DATA_DIR, port and environment. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stops the process and deletes its DATA_DIR. Safe to call more than once. */
  async dispose(): Promise<void> {
    try {
      await this.stop();
    } finally {
      live.delete(this);
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  async http<T = any>(method: string, path: string, options: HttpOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(20_000) });
    const text = await response.text();
    let parsed: unknown = text;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** Signs a new user up (unique email unless given) and signs them in. */
  async signup(email: string = uniqueEmail(), password = 'correct-horse-1'): Promise<TestUser> {
    const created = await this.http('POST', '/api/v1/user/signup', { body: { email, password } });
    if (created.status !== 201) throw new Error(`signup ${email} answered ${created.status} ${JSON.stringify(created.body)}`);
    const token = await this.signin(email, password);
    return { email, password, userId: String(created.body.userId), accountId: String(created.body.accountId), token };
  }

  /** The JWT for an email and password (fails the test when sign-in does not answer 200). */
  async signin(email: string, password: string): Promise<string> {
    const result = await this.http('POST', '/api/v1/user/signin', { body: { email, password } });
    if (result.status !== 200 || typeof result.body?.token !== 'string') {
      throw new Error(`signin ${email} answered ${result.status} ${JSON.stringify(result.body)}`);
    }
    return result.body.token as string;
  }

  /** One price through the admin endpoint; resolves once the engine applied it. */
  async tick(symbol: string, bid: number | string, ask: number | string): Promise<void> {
    await this.ticks([{ symbol, bid, ask }]);
  }

  async ticks(quotes: Quote[]): Promise<void> {
    const result = await this.http('POST', '/api/v1/admin/ticks', {
      body: quotes.length === 1 ? quotes[0] : quotes,
      headers: { 'x-admin-token': this.adminToken },
    });
    if (result.status !== 200) throw new Error(`admin ticks answered ${result.status} ${JSON.stringify(result.body)}`);
  }

  /** `POST /api/v1/admin/accounts/:id/balance` (deposit, or withdrawal when negative). */
  adminBalance(accountId: string, amount: number, comment?: string): Promise<HttpResult> {
    return this.http('POST', `/api/v1/admin/accounts/${accountId}/balance`, {
      body: comment === undefined ? { amount } : { amount, comment },
      headers: { 'x-admin-token': this.adminToken },
    });
  }
}

/** Stops every service this process started (for an afterAll that must not leak processes). */
export async function stopAllServices(): Promise<void> {
  await Promise.allSettled([...live].map((s) => s.dispose()));
}

// Last resort when the test process exits without afterAll (crash, interrupted run): no orphans.
process.once('exit', () => {
  for (const service of live) {
    try {
      service.killNow();
    } catch {
      // already gone
    }
  }
});

/**
 * Registers beforeAll/afterAll for one service shared by a test file; the returned getter gives the
 * running service inside tests.
 */
export function useService(options: ServiceOptions = {}): () => Service {
  assertBuilt();
  let service: Service | undefined;
  beforeAll(async () => {
    service = await Service.start(options);
  }, 30_000);
  afterAll(async () => {
    await service?.dispose();
    await stopAllServices();
  }, 30_000);
  return () => {
    if (!service) throw new Error('the service did not start (see the beforeAll error)');
    return service;
  };
}
