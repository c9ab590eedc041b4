/**
 * Child processes of the benchmark: every one is registered here and killed when the benchmark
 * ends, however it ends (normal exit, error, Ctrl-C, SIGTERM). Only processes we spawned, by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the compiled bench lives in dist/bench). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = join(REPO_ROOT, 'dist');

const OUTPUT_LIMIT = 64 * 1024;
const live = new Set<ChildProcess>();

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping every child process`);
      killAllNow();
      process.exit(130);
    });
  }
}

/** SIGKILL every child still running (synchronous: safe in an exit hook). */
export function killAllNow(): void {
  for (const child of live) {
    try {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function liveChildren(): number {
  return live.size;
}

export interface NodeChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra node flags (e.g. --expose-gc). */
  nodeFlags?: string[];
  /** Forward the child's stderr lines to ours, prefixed with its name (progress of a bench child). */
  forwardStderr?: boolean;
  /** Write a CPU profile into this directory when the child exits cleanly. */
  profileDir?: string | null;
}

/** A node process we started; its output is kept (last 64 KiB) for error messages. */
export class NodeChild {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private out = '';
  private stdoutText = '';

  constructor(
    readonly name: string,
    script: string,
    args: string[],
    options: NodeChildOptions = {},
  ) {
    hookExit();
    const flags = [...(options.nodeFlags ?? [])];
    if (options.profileDir) {
      // A folder per child, with Node's own file names: they carry the thread id, so a worker
      // thread's profile no longer overwrites its process's main thread's (one fixed name did).
      const dir = join(options.profileDir, `${name}-${Date.now()}`);
      mkdirSync(dir, { recursive: true });
      flags.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    }
    this.process = spawn(process.execPath, [...flags, script, ...args], {
      cwd: REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.process);
    this.process.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stdoutText = (this.stdoutText + text).slice(-OUTPUT_LIMIT);
      this.append(text);
    });
    let partial = '';
    this.process.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.append(text);
      if (options.forwardStderr) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') process.stderr.write(`  [${name}] ${line}\n`);
      }
    });
    this.exited = new Promise((done) => {
      this.process.once('exit', (code, signal) => {
        live.delete(this.process);
        done({ code, signal });
      });
      this.process.once('error', (error) => {
        live.delete(this.process);
        this.append(`spawn error: ${error.message}\n`);
        done({ code: -1, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null && live.has(this.process);
  }

  get output(): string {
    return this.out;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  private append(text: string): void {
    this.out = (this.out + text).slice(-OUTPUT_LIMIT);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 8_000): Promise<void> {
    if (!this.running) {
      await this.exited;
      return;
    }
    this.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)));
    const timedOut = await Promise.race([this.exited.then(() => false), late]);
    clearTimeout(timer);
    if (timedOut && this.running) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Waits until a stdout line matches; fails when the process exits or the time runs out. */
  async waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdoutText.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`${this.name} exited before printing ${pattern}. Output:\n${this.out}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms. Output:\n${this.out}`);
      await sleep(20);
    }
  }
}

export { freePort } from '../libs/platform/src/testing/free-port.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));


/** Polls `url` until it answers 200 (or `child` dies, or the time runs out). */
export async function waitForHttp(url: string, child: NodeChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child.running) throw new Error(`${child.name} exited before answering ${url}. Output:\n${child.output}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms. Output:\n${child.output}`);
    await sleep(50);
  }
}

/**
 * Runs one compiled bench script (`dist/bench/<script>`) to completion and returns the JSON object
 * it printed as its last stdout line. The child is killed when it exceeds `timeoutMs`.
 */
export async function runBenchChild<T>(
  name: string,
  script: string,
  input: unknown,
  options: { timeoutMs: number; nodeFlags?: string[]; profileDir?: string | null; env?: NodeJS.ProcessEnv },
): Promise<T> {
  const child = new NodeChild(name, join(DIST, 'bench', script), [JSON.stringify(input)], {
    nodeFlags: options.nodeFlags,
    forwardStderr: true,
    profileDir: options.profileDir,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...options.env },
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), options.timeoutMs)));
  const outcome = await Promise.race([child.exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await child.stop(2_000);
    throw new Error(`${name} took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped`);
  }
  if (outcome.code !== 0) throw new Error(`${name} failed (exit ${outcome.code ?? outcome.signal}). Output:\n${child.output.slice(-4_000)}`);
  const lines = child.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${name} did not end with a JSON line. Output:\n${child.output.slice(-4_000)}`);
  }
}

/** For bench children: the input JSON passed as argv[2]. */
export function childInput<T>(): T {
  const text = process.argv[2];
  if (!text) throw new Error('this bench script is started by `npm run bench` (dist/bench/run.js) with its input as JSON');
  return JSON.parse(text) as T;
}

/** For bench children: prints the result as the last stdout line and exits. */
export function childDone(result: unknown): never {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** For bench children: reports a failure on stderr and exits non-zero. */
export function childFailed(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
