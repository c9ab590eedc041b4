/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or `BENCH_PROFILE=1 npm run bench`): the
 * functions with the most self time and the most inclusive time, with their TypeScript source
 * location when the compiled file has a source map (dist/**.js.map).
 *
 *   node dist/bench/profile-summary.js <file.cpuprofile> [top=25] [filter-substring] [--skip=<seconds>]
 *
 * `--skip` leaves out the first seconds of the profile (start-up, module loading, sign-ups).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './processes.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  if (!url.startsWith('file://')) return null;
  if (maps.has(url)) return maps.get(url)!;
  let map: SourceMap | null = null;
  try {
    const file = fileURLToPath(url);
    const mapFile = `${file}.map`;
    if (existsSync(mapFile)) {
      const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] };
      payload.sources = payload.sources.map((s) => resolve(dirname(file), s));
      map = new SourceMap(payload as never);
    }
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

/** `file:line` of a call frame, mapped to the TypeScript source when possible (1-based lines). */
export function locate(frame: CallFrame): string {
  if (!frame.url) return '(native)';
  const map = sourceMapFor(frame.url);
  if (map) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number };
    if (entry && entry.originalSource) return `${relative(REPO_ROOT, entry.originalSource)}:${(entry.originalLine ?? 0) + 1}`;
  }
  const path = frame.url.startsWith('file://') ? relative(REPO_ROOT, fileURLToPath(frame.url)) : frame.url;
  return `${path}:${frame.lineNumber + 1}`;
}

export interface HotSpot {
  name: string;
  location: string;
  selfMs: number;
  selfShare: number;
  totalMs: number;
  totalShare: number;
}

/** Self and inclusive time per function (by name + location), sorted by self time. */
export function hotSpots(profile: CpuProfile, skipMs = 0): { totalMs: number; spots: HotSpot[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}\u0000${locate(n.callFrame)}`;
  const keys = new Map<number, string>();
  for (const n of profile.nodes) keys.set(n.id, key(n));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    elapsed += dt;
    if (elapsed < skipMs) return;
    all += dt;
    const k = keys.get(id)!;
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const kk = keys.get(at)!;
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + dt);
    }
  });
  const spots = [...total.keys()].map((k) => {
    const [name, location] = k.split('\u0000') as [string, string];
    const s = self.get(k) ?? 0;
    const t = total.get(k) ?? 0;
    return { name, location, selfMs: s, selfShare: all > 0 ? s / all : 0, totalMs: t, totalShare: all > 0 ? t / all : 0 };
  });
  spots.sort((a, b) => b.selfMs - a.selfMs);
  void byId;
  return { totalMs: all, spots };
}

function main(): void {
  const args = process.argv.slice(2);
  const skipArg = args.find((a) => a.startsWith('--skip='));
  const skipMs = skipArg ? Number(skipArg.slice('--skip='.length)) * 1000 : 0;
  const [file, topText, filter] = args.filter((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top=25] [filter]\n');
    process.exit(2);
  }
  const top = Number(topText ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { totalMs, spots } = hotSpots(profile, skipMs);
  const wanted = (s: HotSpot) => !filter || s.location.includes(filter) || s.name.includes(filter);
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  const line = (s: HotSpot) => `${pct(s.selfShare)} self ${pct(s.totalShare)} total  ${s.name}  ${s.location}`;
  process.stdout.write(`${file}: ${(totalMs / 1000).toFixed(2)} s sampled${skipMs ? ` after the first ${skipMs / 1000} s` : ''}\n\nby self time:\n`);
  for (const s of spots.filter(wanted).slice(0, top)) process.stdout.write(`${line(s)}\n`);
  process.stdout.write('\nby inclusive time (our code):\n');
  const ours = spots.filter((s) => /^(apps|libs|bench)\//.test(s.location) && wanted(s)).sort((a, b) => b.totalMs - a.totalMs);
  for (const s of ours.slice(0, top)) process.stdout.write(`${line(s)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
