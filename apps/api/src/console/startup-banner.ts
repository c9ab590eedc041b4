import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '../../../../libs/platform/src/logger.js';

export interface StartupInfo {
  /** Where the service answers, e.g. http://localhost:3000. */
  url: string;
  mode: 'embedded' | 'distributed';
  dataDir?: string;
  priceFeed?: string;
  admin: boolean;
  /** Whether `/docs` (Swagger UI) is served. */
  docs: boolean;
  /** Demo users the start created, if any (shown so they can sign in to the console). */
  demoUsers?: { email: string; password: string }[];
}

export interface StartupLinks {
  api: string;
  docs?: string;
  console: string;
  health: string;
  metrics: string;
  stream: string;
  sse: string;
}

export function startupLinks(info: StartupInfo): StartupLinks {
  const ws = info.url.replace(/^http/, 'ws');
  return {
    api: `${info.url}/api/v1`,
    ...(info.docs ? { docs: `${info.url}/docs` } : {}),
    console: `${info.url}/console`,
    health: `${info.url}/health`,
    metrics: `${info.url}/metrics`,
    stream: `${ws}/api/v1/stream`,
    sse: `${info.url}/api/v1/stream/sse`,
  };
}

/** A few lines for a person at a terminal. */
export function startupBanner(info: StartupInfo, color = false): string {
  const links = startupLinks(info);
  const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[22m` : text);
  const dim = (text: string) => (color ? `\x1b[2m${text}\x1b[22m` : text);
  const cyan = (text: string) => (color ? `\x1b[36m${text}\x1b[39m` : text);
  const row = (label: string, value: string, note = '') => `  ${label.padEnd(9)}${cyan(value)}${note ? `  ${dim(note)}` : ''}`;
  const lines = [
    '',
    `  ${bold('Tradestream')} is running ${dim(`(${info.mode}${info.priceFeed ? `, prices: ${info.priceFeed}` : ''})`)}`,
    '',
    row('API', links.api),
    ...(links.docs ? [row('Docs', links.docs)] : []),
    row('Console', links.console, info.admin ? 'sign in, or use the admin token for every account' : 'sign in with a user (ADMIN_TOKEN unset: no admin view)'),
    row('Health', links.health, `liveness ${links.health}/live`),
    row('Metrics', links.metrics),
    row('Stream', links.stream, `server-sent events: ${links.sse}`),
  ];
  if (info.dataDir) lines.push(row('Data', info.dataDir));
  for (const user of info.demoUsers ?? []) lines.push(row('Demo', `${user.email} / ${user.password}`, 'created at this start'));
  lines.push('', dim('  Ctrl+C stops it; the same DATA_DIR brings everything back.'), '');
  return lines.join('\n');
}

/** Whether the app serves a GET route (e.g. `/docs`, added by the Swagger setup when present). */
export function servesRoute(app: NestFastifyApplication, url: string): boolean {
  try {
    const fastify = app.getHttpAdapter().getInstance() as unknown as { hasRoute(options: { method: string; url: string }): boolean };
    return fastify.hasRoute({ method: 'GET', url }) || fastify.hasRoute({ method: 'GET', url: `${url}/` });
  } catch {
    return false;
  }
}

/**
 * Always one log line with every address; on a terminal also a short banner on stdout (a pipe or a
 * log collector gets only the structured line).
 */
export function announceStartup(info: StartupInfo, log: Logger, out: NodeJS.WriteStream = process.stdout): void {
  const links = startupLinks(info);
  log.info({ ...links, demoUsers: info.demoUsers?.map((u) => u.email) }, `Tradestream ready: API ${links.api}, console ${links.console}${links.docs ? `, docs ${links.docs}` : ''}, health ${links.health}`);
  if (out.isTTY) out.write(`${startupBanner(info, out.hasColors?.() ?? false)}\n`);
}
