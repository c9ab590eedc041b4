/** HTTP load through autocannon's programmatic API, with our own latency samples (float ms, every response). */
import autocannon, { type AutocannonRequest } from 'autocannon';
import { percentileOfSorted, share } from './stats.js';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Sets per-request fields (e.g. the Authorization header rotating over users). */
  setupRequest?: AutocannonRequest['setupRequest'];
}

export interface LoadResult {
  /** 2xx responses per second of the measured time. */
  rps: number;
  responses: number;
  ok: number;
  non2xx: number;
  non2xxShare: number;
  errors: number;
  timeouts: number;
  durationS: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  statusCodes: Record<string, number>;
}

/** Largest number of latency samples kept (far above what a few seconds produce). */
const MAX_SAMPLES = 4_000_000;

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const samples = new Float64Array(MAX_SAMPLES);
  let count = 0;
  return new Promise<LoadResult>((resolve, reject) => {
    const request: AutocannonRequest = {
      method: options.method,
      path: options.path,
      headers: options.headers,
      body: options.body,
      ...(options.setupRequest ? { setupRequest: options.setupRequest } : {}),
    };
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationS,
        pipelining: 1,
        timeout: 10,
        requests: [request],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const sorted = samples.subarray(0, count).sort();
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count;
        const ok = result['2xx'];
        const responses = ok + result.non2xx;
        resolve({
          rps: result.duration > 0 ? ok / result.duration : 0,
          responses,
          ok,
          non2xx: result.non2xx,
          non2xxShare: share(result.non2xx + result.errors + result.timeouts, responses + result.errors + result.timeouts),
          errors: result.errors,
          timeouts: result.timeouts,
          durationS: result.duration,
          p50Ms: percentileOfSorted(sorted, 50),
          p99Ms: percentileOfSorted(sorted, 99),
          maxMs: count > 0 ? sorted[count - 1]! : null,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (count < MAX_SAMPLES) samples[count++] = responseTime;
    });
  });
}

/** One line for the progress log. */
export function describeLoad(r: LoadResult): string {
  const ms = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  const codes = Object.entries(r.statusCodes)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return `${Math.round(r.rps)} req/s (2xx), p50 ${ms(r.p50Ms)} ms, p99 ${ms(r.p99Ms)} ms, non-2xx ${(r.non2xxShare * 100).toFixed(2)} % [${codes}]${r.errors ? `, ${r.errors} errors` : ''}${r.timeouts ? `, ${r.timeouts} timeouts` : ''}`;
}
