import { Controller, Get, Param, Res, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** The page may load only its own files and talk only to this origin (HTTP and WebSocket). */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const SAFE_NAME = /^[\w-]+(\.[\w-]+)*\.(html|js|css|svg|png|ico|json)$/;

/**
 * `<repo>/apps/api/console`: found by walking up from this module, so it is the same directory
 * whether the code runs from `apps/` (tests) or from `dist/apps/` (`npm start`).
 */
export function findConsoleDir(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = start, i = 0; i < 8; i += 1, dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'api', 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

/** uPlot's browser files, straight from node_modules (no bundler, no copy step). */
function vendorFiles(): Record<string, string> {
  try {
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('uplot/package.json')), 'dist');
    return { 'uPlot.esm.js': join(dist, 'uPlot.esm.js'), 'uPlot.min.css': join(dist, 'uPlot.min.css') };
  } catch {
    return {};
  }
}

/**
 * The audit console: plain HTML and JavaScript modules served as they are, at `/console`.
 * Only names of files that exist in the console directory are served (no paths, no dot files).
 */
@Controller('console')
export class ConsoleAssetsController implements OnModuleInit {
  private readonly dir = findConsoleDir();
  private readonly vendor = vendorFiles();

  constructor(private readonly adapter: HttpAdapterHost) {}

  /** `/console/` (Nest drops trailing slashes from its routes) redirects to `/console`. */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance() as
      | { get(path: string, handler: (request: unknown, reply: { redirect(url: string, code?: number): unknown }) => unknown): void }
      | undefined;
    try {
      fastify?.get('/console/', (_request, reply) => reply.redirect('/console', 301));
    } catch {
      // already registered, or the server is running: /console still works
    }
  }

  @Get()
  async index(@Res() reply: FastifyReply): Promise<void> {
    await this.serve(reply, this.dir && join(this.dir, 'index.html'));
  }

  @Get('vendor/:file')
  async vendorFile(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    await this.serve(reply, Object.hasOwn(this.vendor, file) ? this.vendor[file] : undefined);
  }

  @Get(':file')
  async file(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    await this.serve(reply, this.dir && SAFE_NAME.test(file) ? join(this.dir, file) : undefined);
  }

  private async serve(reply: FastifyReply, path: string | undefined): Promise<void> {
    if (!this.dir) {
      await reply.status(503).send({ error: 'The console files (apps/api/console) are not installed next to this build' });
      return;
    }
    if (!path || !existsSync(path)) {
      await reply.status(404).send({ error: 'Not found' });
      return;
    }
    await reply
      .header('content-type', TYPES[extname(path)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(readFileSync(path));
  }
}
