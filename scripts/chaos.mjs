#!/usr/bin/env node
// `npm run test:chaos` (`-- --full`, or CHAOS_SCALE=full, for the large run): builds, runs the crash-safety
// and hostile-input suites (test/chaos, test/security) at that scale, and ends by printing ONE JSON object
// on its last line: what the suites measured (engine kills, acknowledged / lost / duplicated commands,
// money conservation, fuzz cases and 5xx, BOLA routes and violations, bad tokens accepted, 429s and the
// p99 latency under a burst) and whether every test passed. Exit status: Jest's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const scale = process.argv.includes('--full') || process.env.CHAOS_SCALE === 'full' ? 'full' : 'small';
const resultsDir = join('.tmp', 'chaos-results');
const jestReport = join(resultsDir, 'jest.json');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const started = Date.now();
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
let status = build.status ?? 1;
if (status === 0) {
  const jest = spawnSync(
    process.execPath,
    ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'test/security', 'test/chaos', '--selectProjects', 'e2e', '--runInBand', '--json', `--outputFile=${jestReport}`],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'test', CHAOS_SCALE: scale, CHAOS_RESULTS_DIR: resultsDir } },
  );
  status = jest.status ?? 1;
}

const measured = {};
for (const file of existsSync(resultsDir) ? readdirSync(resultsDir) : []) {
  if (!file.endsWith('.json') || file === 'jest.json') continue;
  try {
    Object.assign(measured, JSON.parse(readFileSync(join(resultsDir, file), 'utf8')));
  } catch {
    // a suite that died while writing: its numbers stay null below
  }
}
let tests = null;
try {
  const report = JSON.parse(readFileSync(jestReport, 'utf8'));
  tests = { passed: report.numPassedTests, failed: report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0), suites: report.numTotalTestSuites };
} catch {
  // Jest did not run or died before its report
}

const REQUIRED = [
  'engine_kills', 'acknowledged', 'lost', 'duplicated', 'conservation_violations', 'fuzz_cases', 'fuzz_5xx',
  'bola_routes_checked', 'bola_violations', 'bad_tokens_accepted', 'rate_limited_429', 'p99_ms_under_burst',
];
const summary = { scale };
for (const name of REQUIRED) summary[name] = measured[name] ?? null;
for (const [name, value] of Object.entries(measured)) if (!(name in summary) && typeof value !== 'object') summary[name] = value;
summary.passed = status === 0;
summary.tests = tests;
summary.seconds = Math.round((Date.now() - started) / 1000);
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(status);
